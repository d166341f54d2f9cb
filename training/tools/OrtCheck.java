// Runs every ONNX file of a pack with ONNX Runtime (Java) on inputs dumped by ort_check.py and compares with the
// PyTorch outputs.  java -cp onnxruntime-1.23.2.jar OrtCheck.java DUMP_DIR
import ai.onnxruntime.*;
import java.nio.*;
import java.nio.file.*;
import java.util.*;

public class OrtCheck {
    public static void main(String[] a) throws Exception {
        Path dir = Path.of(a[0]);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        double worst = 0;
        for (String line : Files.readAllLines(dir.resolve("cases.txt"))) {
            // case: model=path|in:name:dtype:d0,d1:file;...|out:name:d0,d1:file;...
            String[] p = line.split("\\|");
            String model = p[0];
            try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
                o.setIntraOpNumThreads(1);
                try (OrtSession s = env.createSession(model, o)) {
                    Map<String, OnnxTensor> in = new LinkedHashMap<>();
                    for (String spec : p[1].split(";")) {
                        String[] f = spec.split(":");
                        long[] shape = Arrays.stream(f[2].split(",")).mapToLong(Long::parseLong).toArray();
                        ByteBuffer bb = ByteBuffer.wrap(Files.readAllBytes(dir.resolve(f[3]))).order(ByteOrder.LITTLE_ENDIAN);
                        OnnxTensor t = switch (f[1]) {
                            case "float32" -> OnnxTensor.createTensor(env, bb.asFloatBuffer(), shape);
                            case "int32" -> OnnxTensor.createTensor(env, bb.asIntBuffer(), shape);
                            case "int64" -> OnnxTensor.createTensor(env, bb.asLongBuffer(), shape);
                            case "bool" -> OnnxTensor.createTensor(env, bb, shape, OnnxJavaType.BOOL);
                            default -> throw new IllegalArgumentException(f[1]);
                        };
                        in.put(f[0], t);
                    }
                    try (OrtSession.Result r = s.run(in)) {
                        StringBuilder sb = new StringBuilder(model.substring(model.lastIndexOf('/') + 1));
                        for (String spec : p[2].split(";")) {
                            String[] f = spec.split(":");
                            FloatBuffer exp = ByteBuffer.wrap(Files.readAllBytes(dir.resolve(f[1]))).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
                            OnnxTensor ot = (OnnxTensor) r.get(f[0]).get();
                            FloatBuffer got = ot.getFloatBuffer();
                            double m = 0;
                            for (int i = 0; i < exp.limit(); i++) m = Math.max(m, Math.abs(exp.get(i) - got.get(i)));
                            if (got.limit() != exp.limit()) m = Double.POSITIVE_INFINITY;
                            worst = Math.max(worst, m);
                            sb.append(" ").append(f[0]).append(Arrays.toString(ot.getInfo().getShape())).append(" maxerr=").append(String.format("%.2e", m));
                        }
                        System.out.println(sb);
                    }
                    in.values().forEach(OnnxTensor::close);
                }
            }
        }
        System.out.println("WORST " + worst);
        if (worst > 1e-3) System.exit(1);
    }
}
