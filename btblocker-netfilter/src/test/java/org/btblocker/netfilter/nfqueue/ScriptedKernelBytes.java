package org.btblocker.netfilter.nfqueue;

import org.btblocker.netlink.MessageCursor;

/** Copies the message under a cursor into its own array. */
final class ScriptedKernelBytes {

    private ScriptedKernelBytes() {
    }

    static byte[] of(MessageCursor m) {
        byte[] b = new byte[m.length()];
        for (int i = 0; i < b.length; i++) {
            b[i] = m.buffer().get(m.offset() + i);
        }
        return b;
    }
}
