package dev.lattice.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import jakarta.persistence.CascadeType;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.OneToMany;
import jakarta.persistence.OrderBy;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.Transaction;
import org.hibernate.boot.MetadataSources;
import org.hibernate.boot.registry.StandardServiceRegistry;
import org.hibernate.boot.registry.StandardServiceRegistryBuilder;
import org.hibernate.cfg.AvailableSettings;
import org.hibernate.community.dialect.SQLiteDialect;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * Hibernate ORM 7 with the community {@link SQLiteDialect} over a HikariCP pool: schema by hbm2ddl, then (on LATTICE)
 * its tables tracked; versioned entities with a cascading, orphan-removing {@code @OneToMany}; JDBC batch inserts;
 * 4 threads of create, update and delete units of work. Ids are UUIDs the application assigns: the dialect turns
 * {@code @GeneratedValue(IDENTITY)} into a nullable, untyped key, which Lattice cannot track. Each unit retries when
 * SQLite refuses to upgrade its read to a write, as an application on SQLite must; the end state is then the same on
 * both URLs, row for row, and on LATTICE what committed was captured.
 */
class HibernateTest {
  private static final int THREADS = 4;
  private static final int ORDERS_PER_THREAD = 10;

  @TempDir Path dir;

  @Entity(name = "PurchaseOrder")
  @Table(name = "purchase_order")
  public static class PurchaseOrder {
    @Id UUID id;
    @Version long version;
    String customer;
    long total;

    @OneToMany(mappedBy = "order", cascade = CascadeType.ALL, orphanRemoval = true)
    @OrderBy("position")
    List<OrderLine> lines = new ArrayList<>();

    void add(OrderLine line) {
      line.order = this;
      lines.add(line);
      total += (long) line.quantity * line.position;
    }
  }

  @Entity(name = "OrderLine")
  @Table(name = "order_line")
  public static class OrderLine {
    @Id UUID id;
    @Version long version;

    @ManyToOne(optional = false, fetch = FetchType.LAZY)
    @JoinColumn(name = "order_id")
    PurchaseOrder order;

    int position;
    String product;
    int quantity;

    static OrderLine of(UUID id, int position, String product, int quantity) {
      OrderLine line = new OrderLine();
      line.id = id;
      line.position = position;
      line.product = product;
      line.quantity = quantity;
      return line;
    }
  }

  private static UUID uuid(String name) {
    return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8));
  }

  private static SessionFactory sessionFactory(HikariDataSource pool) {
    StandardServiceRegistry registry = new StandardServiceRegistryBuilder()
        .applySetting(AvailableSettings.JAKARTA_NON_JTA_DATASOURCE, pool)
        .applySetting(AvailableSettings.DIALECT, SQLiteDialect.class.getName())
        .applySetting(AvailableSettings.HBM2DDL_AUTO, "create")
        .applySetting(AvailableSettings.STATEMENT_BATCH_SIZE, 20)
        .applySetting(AvailableSettings.ORDER_INSERTS, true)
        .applySetting(AvailableSettings.ORDER_UPDATES, true)
        .build();
    try {
      return new MetadataSources(registry).addAnnotatedClass(PurchaseOrder.class).addAnnotatedClass(OrderLine.class)
          .buildMetadata().buildSessionFactory();
    } catch (RuntimeException e) {
      StandardServiceRegistryBuilder.destroy(registry);
      throw e;
    }
  }

  /** Whether SQLite refused to upgrade a read transaction to a write one (the unit of work may be retried). */
  private static boolean upgradeRefused(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLiteException s) {
        return s.getResultCode() == SQLiteErrorCode.SQLITE_BUSY
            || s.getResultCode() == SQLiteErrorCode.SQLITE_BUSY_SNAPSHOT;
      }
    }
    return false;
  }

  /** Runs {@code work} in a transaction of its own, again from scratch when SQLite refused an upgrade. */
  private static void unitOfWork(SessionFactory factory, AtomicLong retries, Consumer<Session> work) {
    for (int attempt = 1; ; attempt++) {
      try (Session session = factory.openSession()) {
        Transaction tx = session.beginTransaction();
        try {
          work.accept(session);
          tx.commit();
          return;
        } catch (RuntimeException e) {
          if (tx.isActive()) {
            tx.rollback();
          }
          if (!upgradeRefused(e) || attempt == 200) {
            throw e;
          }
          retries.incrementAndGet();
          backOff(attempt);
        }
      }
    }
  }

  /** A short random pause before a retry, growing with the attempts, so that competing units do not collide again. */
  private static void backOff(int attempt) {
    try {
      Thread.sleep(ThreadLocalRandom.current().nextInt(1, 2 + Math.min(attempt, 10) * 2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void work(SessionFactory factory, int thread, AtomicLong retries, AtomicLong createRetries) {
    for (int i = 0; i < ORDERS_PER_THREAD; i++) {
      String key = "t" + thread + "-o" + i;
      UUID orderId = uuid(key);
      unitOfWork(factory, createRetries, session -> { // writes only: persisting assigned ids reads nothing
        PurchaseOrder order = new PurchaseOrder();
        order.id = orderId;
        order.customer = "customer " + key;
        for (int line = 1; line <= 3; line++) {
          order.add(OrderLine.of(uuid(key + "-l" + line), line, "product " + line, line * 2));
        }
        session.persist(order);
      });
      unitOfWork(factory, retries, session -> { // reads, then writes
        PurchaseOrder order = session.find(PurchaseOrder.class, orderId);
        order.customer = order.customer.toUpperCase();
        order.lines.remove(0); // orphan removal deletes it
        order.lines.get(0).quantity += 10;
        order.add(OrderLine.of(uuid(key + "-l4"), 4, "product 4", 1));
      });
      if (i % 3 == 0) {
        unitOfWork(factory, retries, session -> session.remove(session.find(PurchaseOrder.class, orderId)));
      }
    }
  }

  @Test
  void concurrentUnitsOfWork_leaveTheSameRows_andLatticeCapturesThem() throws Exception {
    List<Long> createRetries = new ArrayList<>();
    Both.same(dir, (url, dir) -> {
      Db db = Db.create(dir, url);
      HikariConfig config = new HikariConfig();
      config.setJdbcUrl(db.urlString());
      config.setMaximumPoolSize(THREADS);
      List<Object> seen = new ArrayList<>();
      AtomicLong retries = new AtomicLong();
      AtomicLong creates = new AtomicLong();
      try (HikariDataSource pool = new HikariDataSource(config); SessionFactory factory = sessionFactory(pool)) {
        if (url.isLattice()) {
          factory.inTransaction(session -> {
            for (String table : List.of("purchase_order", "order_line")) {
              session.createNativeQuery("SELECT lattice_track('" + table + "')", String.class).getSingleResult();
            }
          });
        }
        ExecutorService threads = Executors.newFixedThreadPool(THREADS);
        try {
          List<Future<?>> done = new ArrayList<>();
          for (int t = 0; t < THREADS; t++) {
            int thread = t;
            done.add(threads.submit(() -> work(factory, thread, retries, creates)));
          }
          for (Future<?> each : done) {
            each.get(60, TimeUnit.SECONDS);
          }
        } finally {
          threads.shutdownNow();
        }
        seen.add(factory.fromTransaction(session -> session.createQuery(
            "select o.customer, o.version, o.total, count(l) from PurchaseOrder o join o.lines l"
                + " group by o.customer, o.version, o.total order by o.customer", Object[].class)
            .getResultList().stream().map(List::of).toList()));
      }
      seen.add(db.query("SELECT * FROM purchase_order ORDER BY id"));
      seen.add(db.query("SELECT * FROM order_line ORDER BY id"));
      seen.add(db.query("SELECT name, sql FROM sqlite_schema WHERE name NOT LIKE 'lattice%' AND name NOT LIKE"
          + " 'sqlite%' AND type = 'table' ORDER BY name"));
      createRetries.add(creates.get());
      Captured.assertCapturedEqualsCommitted(db);
      return seen;
    });
    assertEquals(List.of(0L, 0L), createRetries, "units of work that only write never need a retry");
  }

  @Test
  void theSchemaHbm2ddlMakes_isTrackable() throws Exception {
    Db db = Db.create(dir, Url.LATTICE);
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(db.urlString());
    try (HikariDataSource pool = new HikariDataSource(config); SessionFactory factory = sessionFactory(pool)) {
      String report = factory.fromTransaction(session -> session.createNativeQuery(
          "SELECT lattice_track('order_line')", String.class).getSingleResult());
      assertTrue(report.contains("order_line"), report);
    }
  }
}
