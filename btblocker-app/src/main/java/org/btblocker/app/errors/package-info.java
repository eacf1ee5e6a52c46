/**
 * Error translation for the command line: {@link org.btblocker.app.errors.UserException} carries a one-line
 * message and an exit code, {@link org.btblocker.app.errors.ErrorHandler} turns any exception into
 * {@code btblocker: <message>} and the code from {@link org.btblocker.app.errors.ExitCodes}.
 */
package org.btblocker.app.errors;
