/** The {@code btblocker} application: {@link org.btblocker.app.Main} and the command line behind it. */
package org.btblocker.app;
