// V2G Home's plan card: what the storage will do when, at which prices, why, and what it earns.
import { DEVICE_COLORS, chartSvg, instantAt } from "./v2g-plan-chart.js";
import { decodePlan, localeOf, nextActionText, revenueToday, siteFor, slotAt, slotDetails } from "./v2g-plan-data.js";
import { heldProducts } from "./v2g-plan-reserves.js";
import { translator } from "./v2g-plan-strings.js";
import "./v2g-plan-editor.js";

const STYLE = `
  ha-card { padding: 12px 16px 8px; }
  .head { display: flex; flex-wrap: wrap; justify-content: space-between; gap: 4px 16px; align-items: baseline; }
  .title { font-size: 1.2em; font-weight: 500; }
  .planned { color: var(--secondary-text-color); font-size: 0.85em; }
  .next { font-size: 1.1em; margin: 6px 0 8px; }
  .figures { display: flex; flex-wrap: wrap; gap: 4px 20px; margin-bottom: 4px; }
  .figure span { display: block; color: var(--secondary-text-color); font-size: 0.8em; }
  .figure b { font-size: 1.05em; font-weight: 500; }
  .status { padding: 16px 4px; color: var(--secondary-text-color); }
  .away { color: var(--warning-color, #ffa600); font-size: 0.9em; }
  .chart { position: relative; }
  svg { width: 100%; height: auto; display: block; touch-action: pan-y; }
  svg text { font-size: 10px; fill: var(--secondary-text-color); font-family: inherit; }
  svg .axis-title { font-size: 10.5px; fill: var(--primary-text-color); }
  svg .day { font-weight: 600; fill: var(--primary-text-color); }
  svg .grid { stroke: var(--divider-color, #ddd); stroke-width: 0.6; }
  svg .zero { stroke: var(--secondary-text-color); stroke-width: 0.6; }
  svg .reserve { stroke: var(--secondary-text-color); stroke-dasharray: 4 3; stroke-width: 0.8; }
  svg .departure { stroke-dasharray: 2 2; stroke-width: 1; }
  svg .now { stroke: var(--primary-color, #03a9f4); stroke-width: 1.5; }
  svg .now-label { fill: var(--primary-color, #03a9f4); }
  svg .guide { stroke: var(--primary-text-color); stroke-width: 0.6; }
  .legend { display: flex; flex-wrap: wrap; gap: 2px 14px; font-size: 0.85em; color: var(--secondary-text-color); }
  .legend i { display: inline-block; width: 12px; height: 3px; margin-right: 4px; vertical-align: middle; }
  .legend i.hatch { height: 8px; background: repeating-linear-gradient(45deg, var(--secondary-text-color, #727272) 0 1.5px, transparent 1.5px 4px); }
  .tip { position: absolute; top: 0; pointer-events: none; white-space: pre; font-size: 0.8em; line-height: 1.35;
    background: var(--card-background-color, #fff); color: var(--primary-text-color);
    border: 1px solid var(--divider-color, #ccc); border-radius: 6px; padding: 6px 8px; box-shadow: 0 2px 6px rgba(0,0,0,.2); }
`;

const escape = (text) =>
  String(text).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);

class V2gPlanCard extends HTMLElement {
  /** The card's settings: which site (its device id); without one, the first site. */
  setConfig(config) {
    this._config = { ...config };
    this._key = undefined;
    this._render();
  }

  set hass(hass) {
    this._hass = hass;
    const site = siteFor(hass, this._config);
    const state = site ? hass.states[site.entity] : undefined;
    const locale = hass.locale ?? {};
    const today = site?.today ? hass.states[site.today]?.state : undefined;
    const key = [site?.entity, state?.last_updated, today, hass.language, locale.time_format, locale.time_zone];
    if (this._key && key.every((part, index) => part === this._key[index])) return;
    this._key = key;
    this._render();
  }

  connectedCallback() {
    // The now-line moves on even when nothing else changes.
    this._timer = window.setInterval(() => this._render(), 60000);
  }

  disconnectedCallback() {
    window.clearInterval(this._timer);
  }

  getCardSize() {
    return 7;
  }

  getGridOptions() {
    // The full width of a section; the height follows the content.
    return { columns: "full", min_columns: 6 };
  }

  static getConfigElement() {
    return document.createElement("v2g-plan-card-editor");
  }

  static getStubConfig(hass) {
    const site = siteFor(hass, {});
    return site ? { site: site.id } : {};
  }

  _render() {
    if (!this._hass || !this._config) return;
    const root = this.shadowRoot ?? this.attachShadow({ mode: "open" });
    const fmt = localeOf(this._hass);
    const site = siteFor(this._hass, this._config);
    const attribute = site ? this._hass.states[site.entity]?.attributes?.plan : undefined;
    const plan = decodePlan(attribute);
    const now = Date.now();
    let body;
    if (!site) body = `<div class="status" data-status="no_site">${escape(fmt.t("no_site"))}</div>`;
    else if (!plan) body = `<div class="status" data-status="waiting">${escape(fmt.t("status_waiting"))}</div>`;
    else body = this._plan(plan, now, fmt, revenueToday(this._hass, site, plan));
    this.dataset.status = plan?.status ?? (site ? "waiting" : "no_site");
    this.dataset.plannedAt = plan?.planned_at ?? "";
    root.innerHTML = `<style>${STYLE}</style><ha-card>
      <div class="head"><div class="title">${escape(site ? `${site.name} · ${fmt.t("title")}` : fmt.t("card_name"))}</div>
      ${plan?.planned_at ? `<div class="planned">${escape(fmt.t("planned_at", { time: fmt.time(Date.parse(plan.planned_at)) }))}</div>` : ""}</div>
      ${body}</ha-card>`;
    if (plan?.status === "ok" && plan.slots) this._listen(root, plan, fmt);
  }

  _plan(plan, now, fmt, today) {
    const held = heldProducts(plan, fmt);
    const figures = [
      ["today", today],
      ["tomorrow", plan.tomorrow],
      ["profit", plan.profit],
      // Apart from energy sold, and only when the plan holds a reserve.
      ...(held.length ? [["reserve_income", plan.reserve_income ?? 0]] : []),
    ]
      .map(([key, value]) => `<div class="figure" data-figure="${key}"><span>${escape(fmt.t(key))}</span><b>${escape(fmt.money(value, plan.currency))}</b></div>`)
      .join("");
    const away = plan.away?.length ? `<div class="away">${escape(fmt.t("away", { names: plan.away.join(", ") }))}</div>` : "";
    if (plan.status !== "ok" || !plan.slots) {
      return `<div class="status" data-status="${escape(plan.status)}">${escape(fmt.t(`status_${plan.status}`))}</div>${away}<div class="figures">${figures}</div>`;
    }
    const legend = [
      `<span><i style="background:var(--error-color, #db4437)"></i>${escape(fmt.t("buy"))}</span>`,
      `<span><i style="background:var(--success-color, #43a047)"></i>${escape(fmt.t("sell"))}</span>`,
      ...plan.devices.map(
        (device, position) =>
          `<span><i style="background:${DEVICE_COLORS[position % DEVICE_COLORS.length]}"></i>${escape(device.name)}</span>`,
      ),
      ...(held.length
        ? [`<span data-legend="reserves"><i class="hatch"></i>${escape(fmt.t("reserve_legend", { products: held.join(", ") }))}</span>`]
        : []),
    ].join("");
    return `<div class="next" data-role="next">${escape(nextActionText(plan, now, fmt))}</div>
      <div class="figures">${figures}</div>
      <div class="chart">${chartSvg(plan, now, fmt)}<div class="tip" hidden></div></div>
      <div class="legend">${legend}</div>${away}`;
  }

  _listen(root, plan, fmt) {
    const svg = root.querySelector("svg");
    const tip = root.querySelector(".tip");
    const guide = root.querySelector('[data-role="guide"]');
    const show = (event) => {
      const { ms, viewX } = instantAt(plan, svg, event.clientX);
      const index = slotAt(plan, ms);
      if (index < 0) return hide();
      tip.textContent = slotDetails(plan, index, fmt).join("\n");
      tip.hidden = false;
      guide.setAttribute("x1", viewX);
      guide.setAttribute("x2", viewX);
      guide.setAttribute("visibility", "visible");
      const box = svg.getBoundingClientRect();
      const left = event.clientX - box.left;
      tip.style.left = `${left > box.width / 2 ? Math.max(0, left - tip.offsetWidth - 12) : left + 12}px`;
      return undefined;
    };
    const hide = () => {
      tip.hidden = true;
      guide.setAttribute("visibility", "hidden");
    };
    const hover = root.querySelector('[data-role="hover"]');
    hover.addEventListener("pointermove", show);
    hover.addEventListener("pointerdown", show);
    hover.addEventListener("pointerleave", hide);
  }
}

if (!customElements.get("v2g-plan-card")) {
  customElements.define("v2g-plan-card", V2gPlanCard);
  const words = translator(navigator.language);
  window.customCards = window.customCards || [];
  window.customCards.push({
    type: "v2g-plan-card",
    name: words("card_name"),
    description: words("card_description"),
    preview: true,
    documentationURL: "https://github.com/v2g-home/v2g-home/blob/main/docs/plan-card.md",
  });
}
