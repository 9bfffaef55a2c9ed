import Foundation
import XCTest

@_spi(Stages) @testable import Tally

/// Statements for SQLite run by the `sqlite3` shell over small tables, against `eval`: names
/// that an engine could misread (a key called `value`, a reserved word, link names with `_`).
final class SQLiteStatementTests: XCTestCase {
  var dir: URL!

  override func setUp() {
    dir = TestEnv.temporaryDirectory("sqlite-statements")
  }

  override func tearDown() {
    try? FileManager.default.removeItem(at: dir)
  }

  /// A session over `tables` (name, CSV text), the SQL that fills them, and `definitions`.
  func session(_ tables: [(String, String)], definitions: String) throws -> (Session, String) {
    let s = Session(zone: .utc)
    var inserts = ""
    for (name, csv) in tables {
      _ = try s.load(name: name, path: try writeFile(dir, "\(name).csv", csv))
      let lines = csv.split(separator: "\n").dropFirst()
      for line in lines {
        let cells = line.split(separator: ",", omittingEmptySubsequences: false).map { c in
          c.isEmpty ? "NULL" : Int(c) != nil ? String(c) : "'\(c)'"
        }
        inserts += "INSERT INTO \(Dialect.sqlite.quote(name)) VALUES (\(cells.joined(separator: ", ")));\n"
      }
    }
    _ = try s.define(Source(name: "defs.kpi", text: definitions))
    s.asOf = Instant("2024-06-30")
    return (s, s.createTables(dialect: .sqlite) + "\n" + inserts)
  }

  /// The statement's rows as CSV with a header, from `sqlite3`.
  func run(_ setup: String, _ statement: String) throws -> String {
    let r = try SQLiteShell.run(".bail on\n" + setup + ".mode csv\n.headers on\n" + statement, in: dir)
    if !r.stderr.isEmpty { return "error: " + r.stderr }
    return r.stdout.replacingOccurrences(of: "\r\n", with: "\n")
  }

  func testNamesThatAnEngineCouldMisread() throws {
    try XCTSkipUnless(SQLiteShell.isInstalled, "sqlite3 is not installed")
    let (s, setup) = try session(
      [
        ("a", "id,value,index,b_id,bc_id\n1,x,5,b1,bc1\n2,x,7,b2,bc2\n3,y,1,b1,bc2\n4,,2,b2,bc1\n"),
        ("b", "id,c_id\nb1,c1\nb2,c2\n"),
        ("b_c", "id,name\nbc1,n1\nbc2,n2\n"),
        ("c", "id,name\nc1,m1\nc2,m2\n"),
      ],
      definitions: """
        link a.b_id -> b.id
        link b.c_id -> c.id
        link a.bc_id -> b_c.id
        """)
    let cases: [(String, String)] = [
      // A key called `value` is not the aggregate's value inside the statement.
      ("sum(a.index) by value", "value,value\nx,12\ny,1\n,2\n"),
      ("count(a where index > 1) by value", "value,value\nx,2\ny,0\n,1\n"),
      ("max(count(a) by value)", "value\n2\n"),
      // `b.c` and `b_c` are two joins, though both paths read `r_b_c`.
      ("count(a where b.c.name = \"m1\" and b_c.name = \"n2\")", "value\n1\n"),
      ("count(a) by b_c.name", "name,value\nn1,2\nn2,2\n"),
      ("sum(a.index where b_c.name = \"n1\") by b.c.name", "name,value\nm1,5\nm2,2\n"),
    ]
    for (formula, want) in cases {
      let statement = try s.sql(formula, dialect: .sqlite)
      XCTAssertEqual(try run(setup, statement), want, "\(formula)\n\(statement)")
      XCTAssertEqual(Render.csv(try s.evaluate(formula), zone: s.zone), want, "eval \(formula)")
    }
  }
}
