/**
 * The {@code crowdsec} ban sink: fleet bans through a CrowdSec Local API (LAPI). Push: each ban becomes an alert with
 * one {@code ban} decision (scope {@code Ip}, origin {@code btblocker}) posted as a machine
 * ({@code POST /v1/watchers/login}, {@code POST /v1/alerts}). Pull: the decision stream
 * ({@code GET /v1/decisions/stream}, bouncer API key) feeds the fleet's bans into the daemon. HTTP is the JDK's
 * {@code java.net.http} client; JSON is a small strict codec of our own ({@link org.btblocker.crowdsec.JsonReader},
 * {@link org.btblocker.crowdsec.JsonWriter}). Facts about LAPI 1.4.6 (Debian 12) that shaped it are in the class
 * comments and in {@code docs/fleet.md}.
 */
package org.btblocker.crowdsec;
