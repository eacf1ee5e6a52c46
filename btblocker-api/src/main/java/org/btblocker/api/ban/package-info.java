/** Ban sinks: where a detected offender's address goes (ipset, nftables set, log). */
package org.btblocker.api.ban;
