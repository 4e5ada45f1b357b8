// The plan card's editor: pick the site whose plan the card shows.
import { findSites } from "./v2g-plan-data.js";
import { translator } from "./v2g-plan-strings.js";

const escape = (text) =>
  String(text).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);

class V2gPlanCardEditor extends HTMLElement {
  setConfig(config) {
    this._config = { ...config };
    this._render();
  }

  set hass(hass) {
    const sites = findSites(hass).map((site) => `${site.id}:${site.name}`).join("|");
    this._hass = hass;
    if (sites === this._sites && hass.language === this._language) return;
    this._sites = sites;
    this._language = hass.language;
    this._render();
  }

  _render() {
    if (!this._hass || !this._config) return;
    const root = this.shadowRoot ?? this.attachShadow({ mode: "open" });
    const t = translator(this._hass.locale?.language || this._hass.language);
    const sites = findSites(this._hass);
    const chosen = this._config.site ?? sites[0]?.id;
    const options = sites
      .map((site) => `<option value="${escape(site.id)}"${site.id === chosen ? " selected" : ""}>${escape(site.name)}</option>`)
      .join("");
    root.innerHTML = `<style>
        label { display: block; margin-bottom: 4px; color: var(--secondary-text-color); }
        select { width: 100%; padding: 8px; font: inherit; color: var(--primary-text-color);
          background: var(--card-background-color, #fff); border: 1px solid var(--divider-color, #ccc); border-radius: 4px; }
      </style>
      ${sites.length
        ? `<label for="site">${escape(t("pick_site"))}</label><select id="site">${options}</select>`
        : `<p>${escape(t("no_site"))}</p>`}`;
    root.querySelector("select")?.addEventListener("change", (event) => {
      this._config = { ...this._config, site: event.target.value };
      this.dispatchEvent(new CustomEvent("config-changed", { detail: { config: this._config }, bubbles: true, composed: true }));
    });
  }
}

if (!customElements.get("v2g-plan-card-editor")) {
  customElements.define("v2g-plan-card-editor", V2gPlanCardEditor);
}
