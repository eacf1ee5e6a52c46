/**
 * The {@code btblocker} command line (picocli): {@link org.btblocker.app.cli.BtblockerCommand} and its subcommands.
 * {@code scan} reads captures with {@link org.btblocker.app.capture.CaptureReader} and feeds the engine.
 */
package org.btblocker.app.cli;
