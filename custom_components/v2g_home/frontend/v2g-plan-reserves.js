// Reserve hours on the card: a hatched strip per device under the power chart, their lines in the tooltip.
const ROW = 9; // the strip of one device, in view units
const GAP = 6; // between the power chart and the first strip

const escape = (text) =>
  String(text).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
const fixed = (value) => Math.round(value * 10) / 10;

/** The devices (their positions) that hold a reserve somewhere in the plan, in the plan's order. */
export function reserveRows(plan) {
  return [...new Set((plan.reserves ?? []).map((stretch) => stretch.d))].sort((a, b) => a - b);
}

/** The height the strips take under the power chart (0 when the plan holds no reserve). */
export function stripsHeight(plan) {
  const rows = reserveRows(plan).length;
  return rows ? GAP + rows * ROW : 0;
}

/** A product's name as the integration's translations give it ("FCR-N (DK2)"), else its key. */
export function productName(fmt, key) {
  const name = fmt.t(`product_${key}`);
  return name === `product_${key}` ? key : name;
}

/** The products the plan holds, named, for the legend. */
export function heldProducts(plan, fmt) {
  return [...new Set((plan.reserves ?? []).map((stretch) => stretch.p))].map((key) => productName(fmt, key));
}

/** The strips, from `top` down: one row per device that holds a reserve, one hatched bar per stretch. */
export function reserveStrips(plan, x, top, left, colors, fmt) {
  const rows = reserveRows(plan);
  if (!rows.length) return [];
  const first = top + GAP;
  const parts = [
    `<text class="note" x="${left - 4}" y="${first + (rows.length * ROW) / 2 + 3}" text-anchor="end">${escape(fmt.t("reserve_strip"))}</text>`,
    `<defs>${rows
      .map(
        (d) =>
          `<pattern id="v2g-hatch-${d}" width="4" height="4" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">` +
          `<line x1="0" y1="0" x2="0" y2="4" stroke="${colors[d % colors.length]}" stroke-width="1.6"/></pattern>`,
      )
      .join("")}</defs>`,
  ];
  for (const stretch of plan.reserves) {
    const y = first + rows.indexOf(stretch.d) * ROW;
    const start = x(plan.edges[stretch.s]);
    const width = fixed(x(plan.edges[stretch.e]) - start);
    const color = colors[stretch.d % colors.length];
    parts.push(
      `<g data-reserve="${escape(stretch.p)}" data-device="${stretch.d}">` +
        `<rect x="${start}" y="${y}" width="${width}" height="${ROW - 2}" fill="${color}" fill-opacity="0.12"/>` +
        `<rect x="${start}" y="${y}" width="${width}" height="${ROW - 2}" fill="url(#v2g-hatch-${stretch.d})" fill-opacity="0.7"/></g>`,
    );
  }
  return parts;
}

/** The tooltip's lines for what one device holds in one slot: product, kW, the stretch's hours and income. */
export function reserveLines(plan, position, index, fmt) {
  return (plan.reserves ?? [])
    .filter((stretch) => stretch.d === position && stretch.s <= index && index < stretch.e)
    .map((stretch) =>
      fmt.t("reserve_line", {
        product: productName(fmt, stretch.p),
        power: fmt.kw(stretch.kw),
        span: `${fmt.time(plan.edges[stretch.s])}–${fmt.time(plan.edges[stretch.e])}`,
        money: `${stretch.m >= 0 ? "+" : ""}${fmt.money(stretch.m, plan.currency)}`,
      }),
    );
}
