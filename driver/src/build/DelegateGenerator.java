import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Writes the delegating base classes of the driver's JDBC wrappers ({@code dev.lattice.driver.jdbc.*Delegate}): every
 * method of a {@code java.sql} interface, forwarded to the sqlite-jdbc object underneath. The hand-written wrappers
 * ({@code LatticeResultSet} and the rest) extend them and override only the methods that do something of Lattice's.
 *
 * <p>Run by Maven in the driver's generate-sources phase, by the JDK's source launcher
 * ({@code java DelegateGenerator.java <output directory>}): it needs nothing but {@code java.sql}, so it runs before
 * the driver is compiled and needs no build step of its own. The interfaces are read, by reflection, from the JDK that
 * runs the build, while the driver compiles against Java 17's API ({@code --release 17}): should a newer JDK add a
 * method to one of them, the generated override of it fails to compile, loudly, rather than go missing.
 *
 * <p>Why sources: a {@code java.lang.reflect.Proxy} would put a reflective dispatch on every call, and the result
 * set's getters run once per column per row, where a plain call through an accessor is inlined by the JIT as the
 * hand-written delegation was. Bytecode written during the build (HikariCP writes its proxies with Javassist) would
 * need a library and a step after compilation; sources need neither, and javac checks every generated method.
 *
 * <p>The rules, the same for every interface:
 * <ul>
 *   <li>each method calls the base's accessor (an abstract method: the wrapper decides what it delegates to, and may
 *       check it is open first) and returns what the delegate returned;
 *   <li>{@code unwrap} and {@code isWrapperFor} follow {@code Wrappers}, the rules every wrapper shares;
 *   <li>with {@code wrapsResultSets}, a method returning a {@code ResultSet} passes it through the base's
 *       {@code wrap(ResultSet)} first;
 *   <li>a method that may not throw what the accessor throws is not generated: the base stays abstract there, and the
 *       compiler makes the wrapper write it.
 * </ul>
 */
public final class DelegateGenerator {
  private static final String PACKAGE = "dev.lattice.driver.jdbc";

  /**
   * One generated class.
   *
   * @param name           the class written
   * @param type           the interface whose methods it forwards
   * @param superclass     the class it extends, or null for none
   * @param constructor    the parameters its constructor passes to the superclass's, or null for no constructor
   * @param declaredOnly   forward only the methods {@code type} itself declares (the superclass covers the rest)
   * @param accessor       the abstract method that returns the delegate
   * @param accessorThrows the accessor may throw {@code SQLException} (a closed wrapper refuses every call)
   * @param wrapsResultSets result sets returned pass through {@code wrap(ResultSet)}
   */
  record Spec(String name, Class<?> type, String superclass, String constructor, boolean declaredOnly,
      String accessor, boolean accessorThrows, boolean wrapsResultSets) {}

  static final List<Spec> SPECS = List.of(
      new Spec("ResultSetDelegate", ResultSet.class, null, null, false, "delegate", false, false),
      new Spec("StatementDelegate", Statement.class, null, null, false, "delegate", false, false),
      // PreparedStatement extends Statement, and so LatticePreparedStatement extends LatticeStatement: only the
      // methods PreparedStatement adds are forwarded here, the rest are LatticeStatement's.
      new Spec("PreparedStatementDelegate", PreparedStatement.class, "LatticeStatement",
          "LatticeConnection connection, java.sql.Statement delegate", true, "prepared", false, false),
      new Spec("ConnectionDelegate", Connection.class, null, null, false, "openDelegate", true, false),
      new Spec("DatabaseMetaDataDelegate", DatabaseMetaData.class, null, null, false, "delegate", false, true));

  private DelegateGenerator() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: java DelegateGenerator.java <output directory>");
      System.exit(2);
    }
    Path dir = Path.of(args[0]).resolve(PACKAGE.replace('.', '/'));
    Files.createDirectories(dir);
    for (Spec spec : SPECS) {
      Path file = dir.resolve(spec.name() + ".java");
      String source = source(spec);
      // Left alone when unchanged, so that the compiler's staleness check does not recompile the driver every build.
      if (!Files.exists(file) || !Files.readString(file).equals(source)) {
        Files.writeString(file, source);
      }
    }
  }

  static String source(Spec spec) {
    String type = spec.type().getName();
    StringBuilder out = new StringBuilder();
    out.append("package ").append(PACKAGE).append(";\n\n")
        .append("/**\n")
        .append(" * Generated by driver/src/build/DelegateGenerator.java from {@link ").append(type)
        .append("} of Java ").append(Runtime.version().feature()).append(": do not edit.\n")
        .append(" * Every method forwards to {@link #").append(spec.accessor()).append("()}.\n")
        .append(" */\n")
        .append("abstract class ").append(spec.name())
        .append(spec.superclass() == null ? "" : " extends " + spec.superclass())
        .append(" implements ").append(type).append(" {\n");
    if (spec.constructor() != null) {
      String arguments = Arrays.stream(spec.constructor().split(","))
          .map(parameter -> parameter.trim().substring(parameter.trim().lastIndexOf(' ') + 1))
          .collect(Collectors.joining(", "));
      out.append("  ").append(spec.name()).append("(").append(spec.constructor()).append(") {\n")
          .append("    super(").append(arguments).append(");\n")
          .append("  }\n\n");
    }
    out.append("  /** The object every call is forwarded to. */\n")
        .append("  abstract ").append(type).append(' ').append(spec.accessor()).append("()")
        .append(spec.accessorThrows() ? " throws java.sql.SQLException" : "").append(";\n");
    if (spec.wrapsResultSets()) {
      out.append("\n  /** What the caller gets instead of the delegate's result set {@code result} (may be null). */\n")
          .append("  abstract java.sql.ResultSet wrap(java.sql.ResultSet result);\n");
    }
    for (Method method : methods(spec)) {
      if (!spec.accessorThrows() || throwsSqlException(method)) {
        out.append('\n').append(method(spec, method));
      }
    }
    return out.append("}\n").toString();
  }

  /**
   * The methods to forward, in a stable order. An interface sees a method it redeclares twice (once from a
   * superinterface, as {@code close()} from {@code AutoCloseable}): the most specific declaration is kept.
   */
  static List<Method> methods(Spec spec) {
    Method[] candidates = spec.declaredOnly() ? spec.type().getDeclaredMethods() : spec.type().getMethods();
    Map<String, Method> bySignature = new LinkedHashMap<>();
    Arrays.stream(candidates)
        .filter(method -> !Modifier.isStatic(method.getModifiers()))
        .sorted(Comparator.comparing(DelegateGenerator::signature))
        .forEach(method -> bySignature.merge(signature(method), method, (a, b) ->
            a.getDeclaringClass().isAssignableFrom(b.getDeclaringClass()) ? b : a));
    return List.copyOf(bySignature.values());
  }

  private static String signature(Method method) {
    return method.getName() + Arrays.toString(method.getParameterTypes());
  }

  private static boolean throwsSqlException(Method method) {
    return Arrays.stream(method.getExceptionTypes()).anyMatch(e -> e.isAssignableFrom(SQLException.class));
  }

  private static String method(Spec spec, Method method) {
    Type[] parameterTypes = method.getGenericParameterTypes();
    StringBuilder parameters = new StringBuilder();
    StringBuilder arguments = new StringBuilder();
    for (int i = 0; i < parameterTypes.length; i++) {
      String separator = i == 0 ? "" : ", ";
      parameters.append(separator).append(parameterTypes[i].getTypeName()).append(" a").append(i);
      arguments.append(separator).append('a').append(i);
    }
    String call = spec.accessor() + "()." + method.getName() + "(" + arguments + ")";
    if (method.getName().equals("unwrap") && parameterTypes.length == 1) {
      call = "Wrappers.unwrap(this, " + spec.accessor() + "(), a0)";
    } else if (method.getName().equals("isWrapperFor") && parameterTypes.length == 1) {
      call = "Wrappers.isWrapperFor(this, " + spec.accessor() + "(), a0)";
    } else if (spec.wrapsResultSets() && method.getReturnType() == ResultSet.class) {
      call = "wrap(" + call + ")";
    }
    String body = method.getReturnType() == void.class ? call + ";" : "return " + call + ";";
    String exceptions = Arrays.stream(method.getExceptionTypes()).map(Class::getName)
        .collect(Collectors.joining(", "));
    return "  @Override" + (method.isAnnotationPresent(Deprecated.class) ? " @Deprecated" : "") + "\n"
        + "  public " + typeParameters(method) + method.getGenericReturnType().getTypeName() + " " + method.getName()
        + "(" + parameters + ")" + (exceptions.isEmpty() ? "" : " throws " + exceptions) + " {\n"
        + "    " + body + "\n"
        + "  }\n";
  }

  private static String typeParameters(Method method) {
    TypeVariable<Method>[] variables = method.getTypeParameters();
    if (variables.length == 0) {
      return "";
    }
    for (TypeVariable<Method> variable : variables) {
      if (variable.getBounds().length != 1 || variable.getBounds()[0] != Object.class) {
        throw new IllegalStateException("bounded type parameter, which this generator does not write: " + method);
      }
    }
    return Arrays.stream(variables).map(TypeVariable::getName).collect(Collectors.joining(", ", "<", "> "));
  }
}
