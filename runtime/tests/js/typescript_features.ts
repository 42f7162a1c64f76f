// TypeScript constructs with runtime meaning: namespaces, enums (const too), parameter properties,
// abstract classes, satisfies and angle-bracket casts.
namespace Geometry {
  export const unit = 2;
  export function area(r: number): number { return unit * r; }
}
abstract class Shape { abstract name(): string; }
class Sq extends Shape { constructor(public side: number, private label = "sq") { super(); } name() { return this.label; } }
const enum Dir { Up = 1, Down }
type T = { a: number };
const t: T = { a: Geometry.area(3) } satisfies T;
if (t.a !== 6 || new Sq(2).side !== 2 || new Sq(1).name() !== "sq" || Dir.Down !== 2) throw new Error("ts features");
console.log("ts ok", t.a as number, <number>(Dir.Up));
