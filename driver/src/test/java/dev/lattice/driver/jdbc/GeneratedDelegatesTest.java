package dev.lattice.driver.jdbc;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Array;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLClientInfoException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The delegating base classes that src/build/DelegateGenerator.java writes: every method of the interface reaches the
 * delegate with the caller's arguments, in order, and the delegate's answer reaches the caller.
 */
class GeneratedDelegatesTest {
  /** Stands for the delegate: remembers the last call and answers it with a value no default could pass for. */
  private static final class Recorder implements InvocationHandler {
    Method method;
    Object[] arguments;
    Object answer;

    @Override public Object invoke(Object proxy, Method called, Object[] args) {
      method = called;
      arguments = args == null ? new Object[0] : args;
      answer = value(called.getReturnType(), 7);
      return answer;
    }
  }

  @Test void resultSetForwardsEveryMethod() throws Exception {
    Recorder recorder = new Recorder();
    ResultSet delegate = proxy(ResultSet.class, recorder);
    assertForwards(ResultSet.class, new ResultSetDelegate() {
      @Override ResultSet delegate() { return delegate; }
    }, recorder, Set.of());
  }

  @Test void statementForwardsEveryMethod() throws Exception {
    Recorder recorder = new Recorder();
    Statement delegate = proxy(Statement.class, recorder);
    assertForwards(Statement.class, new StatementDelegate() {
      @Override Statement delegate() { return delegate; }
    }, recorder, Set.of());
  }

  @Test void preparedStatementForwardsWhatPreparedStatementAdds() throws Exception {
    Recorder recorder = new Recorder();
    PreparedStatement delegate = proxy(PreparedStatement.class, recorder);
    assertForwards(PreparedStatement.class, new PreparedStatementDelegate(null, delegate) {
      @Override PreparedStatement prepared() { return delegate; }
    }, recorder, Set.of());
  }

  /** setClientInfo may only throw SQLClientInfoException, which an accessor that throws SQLException cannot keep. */
  @Test void connectionForwardsEveryMethodThatMayThrow() throws Exception {
    Recorder recorder = new Recorder();
    Connection delegate = proxy(Connection.class, recorder);
    assertForwards(Connection.class, new ConnectionDelegate() {
      @Override Connection openDelegate() { return delegate; }
      @Override public void setClientInfo(String name, String value) throws SQLClientInfoException {}
      @Override public void setClientInfo(Properties properties) throws SQLClientInfoException {}
    }, recorder, Set.of("setClientInfo"));
  }

  @Test void databaseMetaDataForwardsEveryMethodAndWrapsResultSets() throws Exception {
    Recorder recorder = new Recorder();
    DatabaseMetaData delegate = proxy(DatabaseMetaData.class, recorder);
    ResultSet wrapped = proxy(ResultSet.class, new Recorder());
    DatabaseMetaData metaData = new DatabaseMetaDataDelegate() {
      @Override DatabaseMetaData delegate() { return delegate; }
      @Override ResultSet wrap(ResultSet result) {
        assertSame(recorder.answer, result);
        return wrapped;
      }
    };
    assertForwards(DatabaseMetaData.class, metaData, recorder, Set.of());
    assertSame(wrapped, metaData.getTables(null, null, "t", null));
  }

  /**
   * Calls every method {@code type} declares or inherits (for the prepared statement, those it declares) on
   * {@code wrapper}, and checks each arrived at the recorder as called. {@code unwrap} and {@code isWrapperFor} follow
   * {@link Wrappers} instead, and {@code notGenerated} are left to the hand-written subclass.
   */
  private static void assertForwards(Class<?> type, Object wrapper, Recorder recorder, Set<String> notGenerated)
      throws Exception {
    Method[] methods = type == PreparedStatement.class ? type.getDeclaredMethods() : type.getMethods();
    List<Executable> checks = new ArrayList<>();
    int forwarded = 0;
    for (Method method : methods) {
      String name = method.getName();
      if (Modifier.isStatic(method.getModifiers()) || name.equals("unwrap") || name.equals("isWrapperFor")) {
        continue;
      }
      if (notGenerated.contains(name)) {
        checks.add(() -> assertTrue(Modifier.isAbstract(wrapper.getClass().getSuperclass()
            .getMethod(name, method.getParameterTypes()).getModifiers()), name + " should be left abstract"));
        continue;
      }
      Object[] arguments = arguments(method);
      recorder.method = null;
      Object result = method.invoke(wrapper, arguments);
      Method called = recorder.method;
      Object[] received = recorder.arguments;
      Object answer = recorder.answer;
      forwarded++;
      checks.add(() -> {
        assertEquals(method.getName() + Arrays.toString(method.getParameterTypes()),
            called == null ? "nothing" : called.getName() + Arrays.toString(called.getParameterTypes()));
        assertEquals(Arrays.asList(arguments), Arrays.asList(received), name + ": arguments");
        if (method.getReturnType() != ResultSet.class || type != DatabaseMetaData.class) {
          assertEquals(answer, result, name + ": answer");
        }
      });
    }
    assertTrue(forwarded > 0);
    assertAll(type.getSimpleName(), checks);
  }

  /** An argument for each parameter, each different from the others where the type allows, so order shows. */
  private static Object[] arguments(Method method) {
    Class<?>[] types = method.getParameterTypes();
    Object[] arguments = new Object[types.length];
    for (int i = 0; i < types.length; i++) {
      arguments[i] = value(types[i], i + 1);
    }
    return arguments;
  }

  private static Object value(Class<?> type, int seed) {
    if (type == void.class) {
      return null;
    } else if (type == boolean.class) {
      return seed % 2 == 1;
    } else if (type == int.class) {
      return seed;
    } else if (type == long.class) {
      return (long) seed;
    } else if (type == short.class) {
      return (short) seed;
    } else if (type == byte.class) {
      return (byte) seed;
    } else if (type == float.class) {
      return (float) seed;
    } else if (type == double.class) {
      return (double) seed;
    } else if (type == String.class) {
      return "value " + seed;
    } else if (type == Class.class) {
      return Object.class;
    } else if (type.isArray()) {
      return Array.newInstance(type.getComponentType(), seed);
    } else if (type.isInterface()) {
      return proxy(type, GeneratedDelegatesTest::standIn);
    }
    return null; // a class the test cannot make up (BigDecimal, Calendar, ...): the call still shows it arrived
  }

  /** A stand-in object of an interface: equal to itself only, and inert otherwise. */
  private static Object standIn(Object proxy, Method method, Object[] args) {
    return switch (method.getName()) {
      case "equals" -> proxy == args[0];
      case "hashCode" -> System.identityHashCode(proxy);
      case "toString" -> "stand-in " + method.getDeclaringClass().getSimpleName();
      default -> value(method.getReturnType(), 0);
    };
  }

  private static <T> T proxy(Class<T> type, InvocationHandler handler) {
    return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
  }
}
