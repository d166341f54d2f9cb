package dev.unclipstudio.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parsed command-line words: positionals in order plus {@code --name value} options (flags get
 * "true").
 */
final class Arguments {

  private final List<String> positionals = new ArrayList<>();
  private final Map<String, String> options = new HashMap<>();

  static Arguments parse(List<String> words, Set<String> allowed, Set<String> flags)
      throws UsageException {
    Arguments a = new Arguments();
    for (int i = 0; i < words.size(); i++) {
      String w = words.get(i);
      if (w.startsWith("--") && w.length() > 2) {
        String name = w.substring(2);
        String value = null;
        int eq = name.indexOf('=');
        if (eq >= 0) {
          value = name.substring(eq + 1);
          name = name.substring(0, eq);
        }
        if (!allowed.contains(name) && !flags.contains(name)) {
          throw new UsageException("unknown option --" + name);
        }
        if (flags.contains(name)) {
          value = "true";
        } else if (value == null) {
          if (i + 1 >= words.size()) {
            throw new UsageException("--" + name + " needs a value");
          }
          value = words.get(++i);
        }
        a.options.put(name, value);
      } else {
        a.positionals.add(w);
      }
    }
    return a;
  }

  List<String> positionals() {
    return positionals;
  }

  String option(String name) {
    return options.get(name);
  }

  boolean flag(String name) {
    return options.containsKey(name);
  }

  Integer intOption(String name) throws UsageException {
    String v = options.get(name);
    if (v == null) {
      return null;
    }
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new UsageException("--" + name + " expects a whole number, got \"" + v + "\"");
    }
  }

  Long longOption(String name) throws UsageException {
    String v = options.get(name);
    if (v == null) {
      return null;
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new UsageException("--" + name + " expects a whole number, got \"" + v + "\"");
    }
  }

  Double doubleOption(String name) throws UsageException {
    String v = options.get(name);
    if (v == null) {
      return null;
    }
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new UsageException("--" + name + " expects a number, got \"" + v + "\"");
    }
  }
}
