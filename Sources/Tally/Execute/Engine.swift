import Foundation

/// What runs a plan over the data: the in-memory `Executor` is the first engine; a SQL back
/// end walks the same plans.
public protocol Engine: AnyObject {
  /// The plan's value: one, or one per group.
  func execute(_ plan: Plan) throws -> MetricValue
}

@_spi(Stages) extension Executor: Engine {
  /// Runs a plan over the loaded datasets.
  public func execute(_ plan: Plan) throws -> MetricValue {
    try evaluate(plan.root, asOf: plan.asOf)
  }
}
