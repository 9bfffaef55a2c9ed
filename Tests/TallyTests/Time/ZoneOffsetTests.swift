import Foundation
import XCTest

@_spi(Stages) @testable import Tally

/// A named zone reads its offsets from a table of its periods (1900–2100), built from the
/// zone's transitions: in every zone the system knows, the offset at any instant since 1906,
/// and right before and after each change, is the system's own.
final class ZoneOffsetTests: XCTestCase {
  func testEveryZoneGivesTheSystemsOffsets() {
    var rng = SystemRandomNumberGenerator()
    var checked = 0
    for id in TimeZone.knownTimeZoneIdentifiers {
      guard let zone = Zone(id) else { continue }
      let tz = zone.timeZone
      var instants: [Int64] = (0..<300).map { _ in Int64.random(in: -2_000_000_000..<4_102_444_800, using: &rng) }
      // Around each of the zone's changes since 1960: the last second of a period and the first of the next.
      var t = Date(timeIntervalSince1970: -315_619_200)
      while let next = tz.nextDaylightSavingTimeTransition(after: t), next.timeIntervalSince1970 < 2_000_000_000 {
        let s = Int64(next.timeIntervalSince1970)
        instants += [s - 1, s, s + 1]
        t = next
      }
      for s in instants {
        let want = tz.secondsFromGMT(for: Date(timeIntervalSince1970: Double(s)))
        if zone.offset(atSeconds: s) != want {
          XCTFail("\(id) at \(s): \(zone.offset(atSeconds: s)), the system says \(want)")
          return
        }
        checked += 1
      }
    }
    XCTAssertGreaterThan(checked, 100_000)
  }

  func testInstantsOutsideTheTableStillGiveTheSystemsOffsets() {
    let zone = Zone("America/New_York")!
    for s: Int64 in [-3_000_000_000, 4_200_000_000, 5_000_000_000] {
      XCTAssertEqual(zone.offset(atSeconds: s), zone.timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(s))))
    }
  }
}
