package org.btblocker.app.bans;

/** Whose address a detection bans ({@code btblocker.ban.target}). */
enum BanTarget {
    /** The sender of the packet that matched (the seed's behaviour). */
    SOURCE,
    /** The endpoint outside {@code btblocker.ban.localNetworks}. */
    REMOTE,
    /** The endpoint inside {@code btblocker.ban.localNetworks} (a campus or VPN user). */
    LOCAL,
    /** Both endpoints. */
    BOTH,
    /** Nobody: detected flows are dropped, no address is banned. */
    NONE
}
