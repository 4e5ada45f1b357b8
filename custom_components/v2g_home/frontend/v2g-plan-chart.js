// The plan as one SVG: prices on top, each device's power in the middle (its reserve hours under it), state of
// charge below, a now-line.
import { reserveStrips, stripsHeight } from "./v2g-plan-reserves.js";

export const WIDTH = 640;
export const HEIGHT = 316;
const LEFT = 46;
const RIGHT = 44;
const PANELS = { price: [14, 76], power: [108, 92], soc: [218, 72] }; // top, height
const AXIS_Y = 304;
export const DEVICE_COLORS = ["#1e88e5", "#fb8c00", "#8e24aa", "#00897b", "#6d4c41"];
const BUY_COLOR = "var(--error-color, #db4437)";
const SELL_COLOR = "var(--success-color, #43a047)";

const escape = (text) =>
  String(text).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
const fixed = (value) => Math.round(value * 10) / 10;

function scale(plan) {
  const t0 = plan.edges[0];
  const t1 = plan.edges[plan.edges.length - 1];
  return (ms) => fixed(LEFT + ((ms - t0) / (t1 - t0)) * (WIDTH - LEFT - RIGHT));
}

function band(values, [top, height], floor) {
  const low = Math.min(floor, ...values);
  const high = Math.max(low + 0.01, ...values);
  return { low, high, y: (value) => fixed(top + height - ((value - low) / (high - low)) * height) };
}

function stepPath(plan, values, x, y) {
  let path = "";
  values.forEach((value, index) => {
    const left = x(plan.edges[index]);
    const right = x(plan.edges[index + 1]);
    path += `${index ? "L" : "M"}${left},${y(value)}H${right}`;
  });
  return path;
}

function priceSeries(plan, x, fmt) {
  const prices = band([...plan.buy, ...plan.sell], PANELS.price, 0);
  const [top, height] = PANELS.price;
  return [
    `<text class="axis-title" x="${LEFT}" y="${top - 4}">${escape(fmt.t("price_axis", { unit: `${plan.currency}/kWh` }))}</text>`,
    `<text class="tick" x="${LEFT - 4}" y="${top + 4}" text-anchor="end">${fmt.number(prices.high, 2)}</text>`,
    `<text class="tick" x="${LEFT - 4}" y="${top + height}" text-anchor="end">${fmt.number(prices.low, 2)}</text>`,
    `<path data-series="buy" d="${stepPath(plan, plan.buy, x, prices.y)}" stroke="${BUY_COLOR}" fill="none" stroke-width="1.6"/>`,
    `<path data-series="sell" d="${stepPath(plan, plan.sell, x, prices.y)}" stroke="${SELL_COLOR}" fill="none" stroke-width="1.6"/>`,
  ];
}

function blockShades(plan, x) {
  // Each device's planned windows, faintly behind its bars: where the tooltip tells the reason.
  const [top, height] = PANELS.power;
  return (plan.blocks ?? []).map((block) => {
    const left = x(plan.edges[block.s]);
    const width = fixed(x(plan.edges[block.e]) - left);
    const color = DEVICE_COLORS[block.d % DEVICE_COLORS.length];
    return `<rect data-block="${escape(block.a)}" data-device="${block.d}" x="${left}" y="${top}" width="${width}" height="${height}" fill="${color}" fill-opacity="0.07"/>`;
  });
}

function powerSeries(plan, x) {
  const [top, height] = PANELS.power;
  let peak = 1;
  for (let index = 0; index < plan.slots; index += 1) {
    let up = 0;
    let down = 0;
    plan.devices.forEach((device) => {
      up += Math.max(device.kw[index], 0);
      down += Math.max(-device.kw[index], 0);
    });
    peak = Math.max(peak, up, down);
  }
  const zero = top + height / 2;
  const perKw = height / 2 / peak;
  const stacks = { up: new Array(plan.slots).fill(0), down: new Array(plan.slots).fill(0) };
  const parts = [
    `<text class="tick" x="${LEFT - 4}" y="${top + 4}" text-anchor="end">+${fixed(peak)}</text>`,
    `<text class="tick" x="${LEFT - 4}" y="${top + height}" text-anchor="end">−${fixed(peak)}</text>`,
    `<line class="zero" x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${zero}" y2="${zero}"/>`,
  ];
  plan.devices.forEach((device, position) => {
    let rects = "";
    device.kw.forEach((kw, index) => {
      if (Math.abs(kw) < 0.01) return;
      const left = x(plan.edges[index]);
      const width = Math.max(0.6, x(plan.edges[index + 1]) - left - 0.4);
      const tall = Math.abs(kw) * perKw;
      const side = kw > 0 ? "up" : "down";
      const y = kw > 0 ? zero - stacks.up[index] - tall : zero + stacks.down[index];
      stacks[side][index] += tall;
      rects += `<rect x="${left}" y="${fixed(y)}" width="${fixed(width)}" height="${fixed(tall)}"/>`;
    });
    const color = DEVICE_COLORS[position % DEVICE_COLORS.length];
    parts.push(`<g data-series="power-${position}" fill="${color}" fill-opacity="0.75">${rects}</g>`);
  });
  return parts;
}

function socSeries(plan, x, fmt, shift) {
  const [panelTop, height] = PANELS.soc;
  const top = panelTop + shift;
  const y = (pct) => fixed(top + height - (Math.min(Math.max(pct, 0), 100) / 100) * height);
  const parts = [0, 50, 100].map(
    (pct) => `<text class="tick" x="${WIDTH - RIGHT + 4}" y="${y(pct) + 3}">${pct} %</text>`,
  );
  const t1 = plan.edges[plan.edges.length - 1];
  const reserve = plan.devices.find((device) => device.reserve != null)?.reserve;
  if (reserve != null) {
    parts.push(
      `<g data-annotation="reserve"><line class="reserve" x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${y(reserve)}" y2="${y(reserve)}"/>` +
        `<text class="note" x="${LEFT + 2}" y="${y(reserve) - 2}">${escape(fmt.t("reserve", { soc: `${reserve} %` }))}</text></g>`,
    );
  }
  plan.devices.forEach((device, position) => {
    const color = DEVICE_COLORS[position % DEVICE_COLORS.length];
    const points = device.soc.map((pct, index) => `${index ? "L" : "M"}${x(plan.edges[index])},${y(pct)}`).join("");
    parts.push(`<path data-series="soc-${position}" d="${points}" stroke="${color}" fill="none" stroke-width="2"/>`);
    const departure = device.departure;
    const at = departure ? Date.parse(departure.at) : NaN;
    if (at >= plan.edges[0] && at <= t1) {
      parts.push(
        `<g data-annotation="departure"><line class="departure" x1="${x(at)}" x2="${x(at)}" y1="${top}" y2="${top + height}" stroke="${color}"/>` +
          `<circle cx="${x(at)}" cy="${y(departure.soc)}" r="3.5" fill="${color}"/>` +
          `<text class="note" x="${x(at) + 4}" y="${y(departure.soc) - 4}">${escape(fmt.t("departure", { soc: `${departure.soc} %` }))}</text></g>`,
      );
    }
  });
  parts.unshift(`<text class="axis-title" x="${LEFT}" y="${top - 4}">${escape(fmt.t("soc_axis"))}</text>`);
  return parts;
}

function timeAxis(plan, x, fmt, axisY) {
  const t0 = plan.edges[0];
  const t1 = plan.edges[plan.edges.length - 1];
  const step = t1 - t0 > 30 * 3600000 ? 6 : 3;
  const parts = [];
  for (let ms = Math.ceil(t0 / 3600000) * 3600000; ms <= t1; ms += 3600000) {
    const hour = fmt.hour(ms);
    if (hour % step) continue;
    const label = hour === 0 ? fmt.day(ms) : fmt.time(ms);
    parts.push(
      `<line class="grid" x1="${x(ms)}" x2="${x(ms)}" y1="${PANELS.price[0]}" y2="${axisY - 12}"/>` +
        `<text class="tick${hour === 0 ? " day" : ""}" x="${x(ms)}" y="${axisY}" text-anchor="middle">${escape(label)}</text>`,
    );
  }
  return parts;
}

/** The whole chart for a decoded plan at an instant (the now-line sits there when it is inside the plan). */
export function chartSvg(plan, now, fmt) {
  const x = scale(plan);
  const t1 = plan.edges[plan.edges.length - 1];
  const shift = stripsHeight(plan);
  const axisY = AXIS_Y + shift;
  const parts = [
    ...timeAxis(plan, x, fmt, axisY),
    ...priceSeries(plan, x, fmt),
    `<text class="axis-title" x="${LEFT}" y="${PANELS.power[0] - 4}">${escape(fmt.t("power_axis"))}</text>`,
    ...blockShades(plan, x),
    ...powerSeries(plan, x),
    ...reserveStrips(plan, x, PANELS.power[0] + PANELS.power[1], LEFT, DEVICE_COLORS, fmt),
    ...socSeries(plan, x, fmt, shift),
  ];
  if (now >= plan.edges[0] && now <= t1) {
    parts.push(
      `<g data-annotation="now"><line class="now" x1="${x(now)}" x2="${x(now)}" y1="${PANELS.price[0]}" y2="${axisY - 12}"/>` +
        `<text class="note now-label" x="${x(now) + 3}" y="${PANELS.price[0] + 8}">${escape(fmt.t("now"))}</text></g>`,
    );
  }
  parts.push(
    `<line data-role="guide" class="guide" x1="0" x2="0" y1="${PANELS.price[0]}" y2="${axisY - 12}" visibility="hidden"/>`,
    `<rect data-role="hover" x="${LEFT}" y="0" width="${WIDTH - LEFT - RIGHT}" height="${axisY}" fill="transparent"/>`,
  );
  return `<svg viewBox="0 0 ${WIDTH} ${HEIGHT + shift}" role="img" xmlns="http://www.w3.org/2000/svg">${parts.join("")}</svg>`;
}

/** The instant under a pointer on the chart (client coordinates in, epoch milliseconds out). */
export function instantAt(plan, svg, clientX) {
  const box = svg.getBoundingClientRect();
  const viewX = ((clientX - box.left) / box.width) * WIDTH;
  const share = (viewX - LEFT) / (WIDTH - LEFT - RIGHT);
  const t0 = plan.edges[0];
  return { ms: t0 + share * (plan.edges[plan.edges.length - 1] - t0), viewX };
}
