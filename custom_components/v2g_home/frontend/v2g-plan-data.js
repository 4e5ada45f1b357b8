// Where the card's data comes from and how it reads: the site's plan attribute, Home Assistant's locale.
import { reserveLines } from "./v2g-plan-reserves.js";
import { translator } from "./v2g-plan-strings.js";

const DOMAIN = "v2g_home";
const ENTITY_KEY = `component.${DOMAIN}.entity.sensor.next_action`;
const NUMBER_LOCALES = { comma_decimal: "en-US", decimal_comma: "de", space_comma: "fr", none: "en-US" };

/** The V2G Home sites in this Home Assistant: their device id, name, plan sensor and today's revenue sensor. */
export function findSites(hass) {
  const sites = [];
  const today = {};
  for (const entity of Object.values(hass?.entities ?? {})) {
    if (entity.platform !== DOMAIN) continue;
    if (entity.translation_key === "expected_revenue_today") today[entity.device_id] = entity.entity_id;
    if (entity.translation_key !== "next_action") continue;
    const device = hass.devices?.[entity.device_id];
    const state = hass.states?.[entity.entity_id];
    sites.push({
      id: entity.device_id,
      name: device?.name_by_user || device?.name || state?.attributes?.friendly_name || entity.entity_id,
      entity: entity.entity_id,
    });
  }
  for (const site of sites) site.today = today[site.id];
  return sites.sort((a, b) => a.name.localeCompare(b.name));
}

/** Today's expected revenue as its sensor shows it now (it follows every booking), else the plan's figure. */
export function revenueToday(hass, site, plan) {
  const shown = site?.today ? Number.parseFloat(hass.states?.[site.today]?.state) : NaN;
  return Number.isFinite(shown) ? shown : plan.today;
}

/** The site the card shows: the configured one, else the first there is. */
export function siteFor(hass, config) {
  const sites = findSites(hass);
  return sites.find((site) => site.id === config?.site) ?? (config?.site ? undefined : sites[0]);
}

function hour12(locale, language) {
  if (locale.time_format === "12") return true;
  if (locale.time_format === "24") return false;
  const probe = locale.time_format === "system" ? undefined : language;
  return new Intl.DateTimeFormat(probe, { hour: "numeric" }).resolvedOptions().hour12 === true;
}

/** Formatters that follow the user's Home Assistant profile: language, 12/24 h, server or browser time zone. */
export function localeOf(hass) {
  const locale = hass?.locale ?? {};
  const language = locale.language || hass?.language || "en";
  const timeZone = locale.time_zone === "server" ? hass?.config?.time_zone : undefined;
  const numbers = locale.number_format === "system" ? undefined : NUMBER_LOCALES[locale.number_format] ?? language;
  // hourCycle rather than hour12: false, which some engines render as 24:00 at midnight.
  const time = new Intl.DateTimeFormat(language, {
    hour: "2-digit", minute: "2-digit", hourCycle: hour12(locale, language) ? "h12" : "h23", timeZone,
  });
  const day = new Intl.DateTimeFormat(language, { weekday: "short", timeZone });
  const date = new Intl.DateTimeFormat(language, { year: "numeric", month: "2-digit", day: "2-digit", timeZone });
  const hourOf = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", hourCycle: "h23", timeZone });
  const number = (value, digits) =>
    new Intl.NumberFormat(numbers, {
      minimumFractionDigits: digits, maximumFractionDigits: digits, useGrouping: locale.number_format !== "none",
    }).format(value);
  return {
    language,
    t: translator(language),
    time: (ms) => time.format(ms),
    day: (ms) => day.format(ms),
    dateKey: (ms) => date.format(ms),
    hour: (ms) => Number(hourOf.format(ms)) % 24,
    number,
    kw: (value) => `${number(value, 1)} kW`,
    money: (value, currency) => `${number(value, 2)} ${currency}`,
    action: (key) => localized(hass, `${ENTITY_KEY}.state.${key}`, key),
    reason: (key) => localized(hass, `${ENTITY_KEY}.state_attributes.reason.state.${key}`, key),
  };
}

function localized(hass, key, fallback) {
  const text = typeof hass?.localize === "function" ? hass.localize(key) : "";
  return text || fallback.replace(/_/g, " ");
}

/** The plan attribute with slot edges as epoch milliseconds (null without a usable plan). */
export function decodePlan(attribute) {
  if (!attribute || attribute.v !== 1) return null;
  const start = attribute.start ? Date.parse(attribute.start) : NaN;
  // Offsets come rounded to 0.1 min; every edge after the plan's start is a slot boundary, on a whole minute.
  const edge = (minutes, index) =>
    index === 0 ? start + minutes * 60000 : Math.round((start + minutes * 60000) / 60000) * 60000;
  const edges = Number.isFinite(start) ? attribute.t.map(edge) : [];
  return { ...attribute, edges, slots: attribute.buy.length };
}

/** "2 h", "45 min", "1 h 30 min" in the card's language. */
export function duration(ms, fmt) {
  const total = Math.max(1, Math.round(ms / 60000));
  const h = Math.floor(total / 60);
  const m = total % 60;
  if (!h) return fmt.t("minutes", { m });
  return m ? fmt.t("hours_minutes", { h, m }) : fmt.t("hours", { h });
}

/** The sentence under the title: "Export 7.4 kW at 17:00 for 2 h", or why there is nothing to say. */
export function nextActionText(plan, now, fmt) {
  const block = plan?.next;
  if (!block) return fmt.t("nothing_planned");
  const start = plan.edges[block.s];
  const end = plan.edges[block.e];
  const values = {
    action: fmt.action(block.a),
    power: fmt.kw(block.kw),
    time: fmt.time(start),
    end: fmt.time(end),
    duration: duration(end - start, fmt),
  };
  if (start <= now) return fmt.t("next_now", values);
  const tomorrow = fmt.dateKey(start) !== fmt.dateKey(now);
  return fmt.t(tomorrow ? "next_tomorrow" : "next_at", values);
}

/** The slot that holds an instant, or -1. */
export function slotAt(plan, ms) {
  for (let index = 0; index < plan.slots; index += 1) {
    if (plan.edges[index] <= ms && ms < plan.edges[index + 1]) return index;
  }
  return -1;
}

/** What the tooltip says about one slot: its time and prices, each device's block with its reason, its reserves. */
export function slotDetails(plan, index, fmt) {
  const unit = `${plan.currency}/kWh`;
  const lines = [
    `${fmt.time(plan.edges[index])}–${fmt.time(plan.edges[index + 1])}`,
    `${fmt.t("buy")} ${fmt.number(plan.buy[index], 2)} · ${fmt.t("sell")} ${fmt.number(plan.sell[index], 2)} ${unit}`,
  ];
  plan.devices.forEach((device, position) => {
    const soc = `${fmt.number(device.soc[index + 1], 0)} %`;
    const block = (plan.blocks ?? []).find((b) => b.d === position && b.s <= index && index < b.e);
    const reserves = reserveLines(plan, position, index, fmt).map((line) => `  ${line}`);
    if (!block) {
      lines.push(`${device.name}: ${fmt.reason("idle")} · ${soc}`, ...reserves);
      return;
    }
    const span = `${fmt.time(plan.edges[block.s])}–${fmt.time(plan.edges[block.e])}`;
    lines.push(
      `${device.name}: ${fmt.action(block.a)} ${fmt.kw(Math.abs(device.kw[index]))} · ${fmt.reason(block.r)} · ${soc}`,
      `  ${span}, ${fmt.number(block.kwh, 1)} kWh, ${block.m >= 0 ? "+" : ""}${fmt.money(block.m, plan.currency)}`,
      ...reserves,
    );
  });
  return lines;
}
