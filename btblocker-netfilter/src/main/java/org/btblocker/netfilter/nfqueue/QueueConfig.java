package org.btblocker.netfilter.nfqueue;

import org.btblocker.api.ConfigChecks;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;

/**
 * How to bind one NFQUEUE queue, from {@code btblocker.queueNum} and {@code btblocker.queue.*} (defaults in this
 * module's reference.conf). Validated on construction.
 *
 * @param queueNum the queue number of the {@code -j NFQUEUE --queue-num N} rule, 0..65535
 * @param copyRange bytes of each packet copied to user space, 1..65535 (the kernel caps it at 65535 minus the
 *        attribute header)
 * @param maxLength packets the kernel holds waiting for a verdict before the queue counts as full, 1..65536
 * @param failOpen NFQA_CFG_F_FAIL_OPEN: accept packets instead of dropping them when the queue is full or our socket
 *        overruns, so a slow btblocker never blackholes traffic
 * @param gso NFQA_CFG_F_GSO: take GSO/GRO super-packets whole instead of having the kernel segment them
 * @param receiveBufferBytes socket receive buffer (SO_RCVBUFFORCE), 64 KiB..1 GiB; it absorbs bursts
 */
public record QueueConfig(int queueNum, int copyRange, int maxLength, boolean failOpen, boolean gso,
        int receiveBufferBytes) {

    /** Upper bound accepted for {@link #maxLength}. */
    public static final int MAX_MAX_LENGTH = 65536;
    private static final int MIN_RECEIVE_BUFFER = 64 * 1024;
    private static final int MAX_RECEIVE_BUFFER = 1 << 30;

    /** Checks every field; the message names the field, the value and the range. */
    public QueueConfig {
        check("queueNum", queueNum, 0, 0xffff);
        check("copyRange", copyRange, 1, 0xffff);
        check("maxLength", maxLength, 1, MAX_MAX_LENGTH);
        check("receiveBufferBytes", receiveBufferBytes, MIN_RECEIVE_BUFFER, MAX_RECEIVE_BUFFER);
    }

    /**
     * Reads {@code btblocker.queueNum} and every {@code btblocker.queue.*} key eagerly from the root config.
     *
     * @throws ConfigException.BadValue naming the key when a value is out of range
     */
    public static QueueConfig from(Config root) {
        Config b = root.getConfig("btblocker");
        int queueNum = ConfigChecks.intIn(b, "btblocker", "queueNum", 0, 0xffff);
        int copyRange = ConfigChecks.intIn(b, "btblocker", "queue.copyRange", 1, 0xffff);
        int maxLength = ConfigChecks.intIn(b, "btblocker", "queue.maxLength", 1, MAX_MAX_LENGTH);
        boolean failOpen = b.getBoolean("queue.failOpen");
        boolean gso = b.getBoolean("queue.gso");
        long buffer = b.getBytes("queue.receiveBuffer");
        if (buffer < MIN_RECEIVE_BUFFER || buffer > MAX_RECEIVE_BUFFER) {
            throw ConfigChecks.bad(b, "btblocker", "queue.receiveBuffer",
                    "a size from 64 KiB to 1 GiB, got " + buffer + " bytes");
        }
        return new QueueConfig(queueNum, copyRange, maxLength, failOpen, gso, (int) buffer);
    }

    /** The same settings for queue {@code queueNum} (the daemon binds queueNum and the queues after it). */
    public QueueConfig withQueueNum(int queueNum) {
        return new QueueConfig(queueNum, copyRange, maxLength, failOpen, gso, receiveBufferBytes);
    }

    /** Queue {@code queueNum} with the reference.conf defaults (for embedding and tests). */
    public static QueueConfig of(int queueNum) {
        Config reference = ConfigFactory.defaultReference(QueueConfig.class.getClassLoader());
        return from(reference.withValue("btblocker.queueNum", ConfigValueFactory.fromAnyRef(queueNum)));
    }

    private static void check(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be in " + min + ".." + max + ", got " + value);
        }
    }
}
