import ArgumentParser
import Foundation
import Tally
import TallyDriver

/// `tally sql EXPR --dialect D`: the SQL statement that computes a formula on an engine.
struct SQLCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sql",
    abstract: "Print the SQL statement that computes a formula, for PostgreSQL, DuckDB, Spark SQL or SQLite.",
    discussion: """
      Examples:
        tally sql 'count(refunds where intervened) / count(orders) over 28d' --file kpis/ --dialect postgres
        tally sql --file kpis/ --dialect spark > kpis.sql          # every metric, one statement each
        tally sql --file kpis/ --metric dispute_rate --dialect duckdb
        tally sql --file kpis/ --create-tables --dialect postgres  # the tables the statements read

      The statement reads tables named like the datasets, with the same columns. The as-of is
      resolved when it is written (--as-of, else the default from the data files) and stated
      in its first lines; windows are instants in the statement, so the engine's own time
      zone does not change the answer.
      """
  )

  @Argument(help: "The formula, or the name of a metric from a --file. Without one: every metric of the files.")
  var expression: String?

  @OptionGroup var options: SessionOptions

  @Option(name: .long, help: "The engine: postgres, duckdb, spark or sqlite.")
  var dialect: String

  @Option(name: .long, help: "A metric of the --file definitions (repeatable); the default is every metric.")
  var metric: [String] = []

  @Flag(name: .long, help: "Print CREATE TABLE statements for the datasets instead.")
  var createTables = false

  func run() throws {
    guard let d = Dialect(rawValue: dialect.lowercased()) else {
      throw TallyError(Diagnostic(.error, SQLMessage.unknownDialect(dialect)))
    }
    let session = try options.makeSession()
    var out = ""
    if createTables {
      out = session.createTables(dialect: d)
    } else if let expression {
      guard metric.isEmpty else { throw ValidationError("give a formula or --metric, not both") }
      out = try session.sql(CommandLineArguments.evalFormula(expression), dialect: d)
    } else {
      let names = metric.isEmpty ? session.metrics.compactMap(\.definedName) : metric
      guard !names.isEmpty else { throw ValidationError("no formula and no metric: give a formula, or a --file with metrics") }
      out = try names.map { try session.sql(metric: $0, dialect: d) }.joined(separator: "\n")
    }
    FileHandle.standardOutput.write(Data(out.utf8))
  }
}
