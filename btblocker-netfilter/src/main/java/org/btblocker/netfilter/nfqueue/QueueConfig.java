package org.btblocker.netfilter.nfqueue;

/**
 * How to bind one NFQUEUE queue. Validated on construction; the defaults (see {@link #of(int)}) match
 * {@code btblocker.queue.*} in reference.conf.
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

    /** Default copy range: whole packets up to 64 KiB. */
    public static final int DEFAULT_COPY_RANGE = 0xffff;
    /** Default queue length. */
    public static final int DEFAULT_MAX_LENGTH = 4096;
    /** Upper bound accepted for {@link #maxLength}. */
    public static final int MAX_MAX_LENGTH = 65536;
    /** Default receive buffer: 8 MiB. */
    public static final int DEFAULT_RECEIVE_BUFFER_BYTES = 8 << 20;

    /** Checks every field; the message names the field, the value and the range. */
    public QueueConfig {
        check("queueNum", queueNum, 0, 0xffff);
        check("copyRange", copyRange, 1, 0xffff);
        check("maxLength", maxLength, 1, MAX_MAX_LENGTH);
        check("receiveBufferBytes", receiveBufferBytes, 64 * 1024, 1 << 30);
    }

    /** Queue {@code queueNum} with the defaults: copy 0xffff, 4096 packets, fail-open, GSO, 8 MiB buffer. */
    public static QueueConfig of(int queueNum) {
        return new QueueConfig(queueNum, DEFAULT_COPY_RANGE, DEFAULT_MAX_LENGTH, true, true,
                DEFAULT_RECEIVE_BUFFER_BYTES);
    }

    private static void check(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be in " + min + ".." + max + ", got " + value);
        }
    }
}
