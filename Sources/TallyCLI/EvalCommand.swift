import ArgumentParser
import Foundation
import Tally
import TallyDriver

/// `tally eval EXPR`: evaluate one formula and print its value.
struct EvalCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "eval",
    abstract: "Evaluate a formula over data files and print its value.",
    discussion: """
      Examples:
        tally eval 'count(orders)' --data orders=orders.csv
        tally eval 'count(refunds where intervened) / count(orders) over 28d' --file kpis/
        tally eval dispute_rate --file kpis/ --as-of 2024-06-30 --format json
        tally eval dispute_rate --file kpis/ --data orders=exports/orders-july.csv

      A --data dataset that a --file also declares replaces the declared file (and, with ,time=COL, its time column).
      """
  )

  enum Format: String, ExpressibleByArgument, CaseIterable { case table, json, csv }

  @Argument(help: "The formula, or the name of a metric from a --file.")
  var expression: String

  @OptionGroup var options: SessionOptions

  @Option(name: .long, help: "Output format: table, json or csv.")
  var format: Format = .table

  func run() throws {
    let formula = CommandLineArguments.evalFormula(expression)
    let session = try options.makeSession(only: [formula])
    let result = try session.evaluate(formula)
    let out: String
    switch format {
    case .table: out = Render.table(result, zone: session.zone, maxCellWidth: Terminal.columns)
    case .json: out = Render.json(result, zone: session.zone) + "\n"
    case .csv: out = Render.csv(result, zone: session.zone)
    }
    FileHandle.standardOutput.write(Data(out.utf8))
    if !result.notes.isEmpty { Terminal.report(TallyError(result.notes)) }
  }
}
