/**
 * What the lengths of a BitTorrent connection look like when its bytes cannot be read: shared by the detectors
 * that judge MSE/PE-encrypted streams (RC4 keeps every length) and streams joined in the middle. One place, {@link
 * org.btblocker.detectors.lengths.StreamRhythm}, says which flight lengths are peer-wire control messages, and
 * follows, per direction of a TCP stream, where packets end relative to 16 KiB piece messages.
 */
package org.btblocker.detectors.lengths;
