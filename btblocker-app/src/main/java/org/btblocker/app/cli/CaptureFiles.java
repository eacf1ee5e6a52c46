package org.btblocker.app.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.btblocker.app.capture.CaptureReader;
import org.btblocker.app.errors.ExitCodes;
import org.btblocker.app.errors.UserException;

/** Expands the paths given to {@code scan} into capture files. */
final class CaptureFiles {

    private CaptureFiles() {
    }

    /**
     * A file named on the command line is taken as is. A directory is walked recursively in sorted order, keeping
     * files named {@code *.pcap}, {@code *.pcapng}, {@code *.cap}, or starting with a pcap/pcapng magic number.
     *
     * @throws UserException (exit 2) when a path does not exist
     */
    static List<Path> expand(List<Path> paths) throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path path : paths) {
            if (Files.isDirectory(path)) {
                try (Stream<Path> walk = Files.walk(path)) {
                    files.addAll(walk.filter(Files::isRegularFile).sorted().filter(CaptureFiles::looksLikeCapture)
                        .collect(Collectors.toList()));
                } catch (UncheckedIOException e) {
                    throw e.getCause();
                }
            } else if (Files.exists(path)) {
                files.add(path);
            } else {
                throw new UserException(ExitCodes.CONFIG, path + ": no such file or directory");
            }
        }
        return files;
    }

    static boolean looksLikeCapture(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".pcap") || name.endsWith(".pcapng") || name.endsWith(".cap")) {
            return true;
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] magic = in.readNBytes(4);
            return magic.length == 4 && CaptureReader.isCaptureMagic(ByteBuffer.wrap(magic).getInt());
        } catch (IOException e) {
            return false; // unreadable files without a capture name are not ours
        }
    }
}
