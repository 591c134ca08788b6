package io.stentor.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** CPU time used by a process (user + system), read from /proc/PID/stat (Linux; clock ticks of 10 ms). */
public final class ProcessCpu {

    private ProcessCpu() {
    }

    public static Duration of(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14 and 15)
            return Duration.ofMillis(ticks * 10);
        } catch (IOException e) {
            return Duration.ZERO;
        }
    }
}
