import Foundation

/// Datasets loaded once and shared by sessions (by path and zone).
public final class DatasetCache: @unchecked Sendable {
  private var entries: [String: Dataset] = [:]
  private let lock = NSLock()
  /// An empty cache.
  public init() {}
  func get(_ path: String, zone: Zone) -> Dataset? {
    lock.lock()
    defer { lock.unlock() }
    return entries[path + "|" + zone.timeZone.identifier]
  }
  func put(_ path: String, zone: Zone, _ ds: Dataset) {
    lock.lock()
    entries[path + "|" + zone.timeZone.identifier] = ds
    lock.unlock()
  }
}
