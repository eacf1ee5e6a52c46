package org.btblocker.app.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.btblocker.app.capture.CaptureReader;
import org.btblocker.app.errors.ErrorHandler;
import org.btblocker.app.errors.ExitCodes;
import org.btblocker.app.errors.UserException;

/** Expands the paths given to {@code scan} into capture files. */
final class CaptureFiles {

    private CaptureFiles() {
    }

    /**
     * The captures found, and what could not be looked at (an unreadable directory, a file that vanished): one line
     * each, the rest is scanned anyway.
     */
    record Found(List<Path> files, List<String> problems) {
        Found {
            files = List.copyOf(files);
            problems = List.copyOf(problems);
        }
    }

    /**
     * A file named on the command line is taken as is. A directory is walked recursively in sorted order, keeping
     * files named {@code *.pcap}, {@code *.pcapng}, {@code *.cap}, or starting with a pcap/pcapng magic number. A
     * subdirectory that cannot be read is reported and skipped, not fatal.
     *
     * @throws UserException (exit 2) when a path does not exist
     */
    static Found expand(List<Path> paths) throws IOException {
        List<Path> files = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Path path : paths) {
            if (Files.isDirectory(path)) {
                List<Path> found = new ArrayList<>();
                Files.walkFileTree(path, new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                        if (attrs.isRegularFile() && looksLikeCapture(file)) {
                            found.add(file);
                        }
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path file, IOException e) {
                        problems.add(ErrorHandler.message(e) + " (skipped)");
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult postVisitDirectory(Path dir, IOException e) {
                        if (e != null) {
                            problems.add(ErrorHandler.message(e) + " (the rest of " + dir + " skipped)");
                        }
                        return FileVisitResult.CONTINUE;
                    }
                });
                found.sort(null);
                files.addAll(found);
            } else if (Files.exists(path)) {
                files.add(path);
            } else {
                throw new UserException(ExitCodes.CONFIG, path + ": no such file or directory");
            }
        }
        return new Found(files, problems);
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
