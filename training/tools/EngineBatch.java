// Runs many Studio command lines (generate / variations / interpolate / inpaint) in one JVM, so a few hundred
// evaluation images do not pay a JVM start each. Each line of FILE is one command, its words separated by tabs,
// exactly as they would follow `bin/studio`. Stops at the first failing line.
//   java -cp "target/quarkus-app/app/*:target/quarkus-app/lib/main/*" training/tools/EngineBatch.java FILE
// (training/tools/engine_samples.py writes FILE and calls this.)
import java.nio.file.Files;
import java.nio.file.Path;

public class EngineBatch {
    public static void main(String[] a) throws Exception {
        int n = 0;
        for (String line : Files.readAllLines(Path.of(a[0]))) {
            if (line.isBlank()) {
                continue;
            }
            int rc = dev.unclipstudio.cli.Cli.run(line.split("\t"));
            if (rc != 0) {
                System.err.println("failed (" + rc + "): " + line.replace('\t', ' '));
                System.exit(rc);
            }
            n++;
        }
        System.err.println(n + " commands done");
    }
}
