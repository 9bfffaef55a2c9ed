import Foundation
import Tally

/// How every `tally` command exits: the contract's table, in one place.
///
/// | status | when |
/// |---|---|
/// | 0 `success` | everything holds |
/// | 1 `failed` | a metric failed its target, an assert is false, `--strict` and a metric warns, a test failed, a REPL script line failed |
/// | 2 `error` | an error in a definition, an argument or the data |
public enum ExitStatus: Int32, Sendable {
  case success = 0
  case failed = 1
  case error = 2

  /// The status of a `tally check` report.
  public init(_ report: CheckReport, strict: Bool) {
    let failed =
      report.metrics.contains { $0.status == .fail } || report.asserts.contains { !$0.passed }
      || (strict && report.metrics.contains { $0.status == .warn })
    self = failed ? .failed : .success
  }

  /// The status of a `tally test` run.
  public init(_ results: [TestResult]) {
    if results.contains(where: { $0.error != nil }) {
      self = .error
    } else {
      self = results.contains { !$0.passed } ? .failed : .success
    }
  }
}
