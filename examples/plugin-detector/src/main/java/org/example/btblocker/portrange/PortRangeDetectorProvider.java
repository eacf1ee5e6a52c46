package org.example.btblocker.portrange;

import java.util.List;

import org.btblocker.api.ConfigChecks;
import org.btblocker.api.Detector;
import org.btblocker.api.DetectorProvider;
import org.btblocker.api.Interest;

import com.typesafe.config.Config;

/**
 * An example third-party detector: blocks flows whose responder port lies in configured ranges (for example the
 * classic BitTorrent range 6881-6889). It shows the whole plugin contract in one small jar:
 * <ul>
 *   <li>this public provider with a no-arg constructor, listed in
 *       {@code META-INF/services/org.btblocker.api.DetectorProvider};</li>
 *   <li>its defaults in its own {@code reference.conf} under {@code btblocker.portrange};</li>
 *   <li>settings read eagerly in {@link #create(Config)}, with errors naming the key ({@link ConfigChecks});</li>
 *   <li>a shared, stateless detector that decides on the first packet.</li>
 * </ul>
 * Enable it by adding {@code portrange} to {@code btblocker.detectors} and putting the jar on the classpath.
 */
public final class PortRangeDetectorProvider implements DetectorProvider {

    @Override
    public String name() {
        return "portrange";
    }

    @Override
    public String description() {
        return "example plugin: flows to configured port ranges";
    }

    @Override
    public Interest interest() {
        return Interest.ALL_PACKETS;
    }

    @Override
    public int stateSlots() {
        return 0;
    }

    @Override
    public Detector create(Config own) {
        List<String> ranges = own.getStringList("ports");
        boolean[] blocked = new boolean[65536];
        for (String range : ranges) {
            String[] ends = range.split("-", 2);
            try {
                int from = Integer.parseInt(ends[0].trim());
                int to = ends.length == 2 ? Integer.parseInt(ends[1].trim()) : from;
                if (from < 1 || to > 65535 || from > to) {
                    throw new NumberFormatException();
                }
                for (int port = from; port <= to; port++) {
                    blocked[port] = true;
                }
            } catch (NumberFormatException e) {
                throw ConfigChecks.bad(own, "btblocker.portrange", "ports",
                        "ranges like \"6881-6889\" or \"6969\", got \"" + range + "\"");
            }
        }
        return new PortRangeDetector(blocked);
    }
}
