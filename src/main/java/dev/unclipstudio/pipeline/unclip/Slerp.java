package dev.unclipstudio.pipeline.unclip;

/**
 * Spherical interpolation between two vectors (spec §1c): the angle comes from the dot product of
 * the normalised vectors, not element-wise as in the diffusers community example.
 */
public final class Slerp {

  private Slerp() {}

  public static float[] slerp(float[] a, float[] b, double theta) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("lengths differ: " + a.length + " vs " + b.length);
    }
    double na = norm(a);
    double nb = norm(b);
    double dot = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * (double) b[i];
    }
    double cos = (na == 0 || nb == 0) ? 1 : Math.max(-1, Math.min(1, dot / (na * nb)));
    double omega = Math.acos(cos);
    double sin = Math.sin(omega);
    double wa;
    double wb;
    if (Math.abs(sin)
        < 1e-6) { // (anti)parallel: the arc is undefined, fall back to a straight line
      wa = 1 - theta;
      wb = theta;
    } else {
      wa = Math.sin((1 - theta) * omega) / sin;
      wb = Math.sin(theta * omega) / sin;
    }
    float[] out = new float[a.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) (wa * a[i] + wb * b[i]);
    }
    return out;
  }

  static double norm(float[] v) {
    double s = 0;
    for (float x : v) {
      s += x * (double) x;
    }
    return Math.sqrt(s);
  }
}
