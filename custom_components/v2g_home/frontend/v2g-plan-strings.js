// The card's own words in English and Danish. The object is strict JSON (tests read it); the names of
// actions and reasons come from the integration's translations through hass.localize.
export const STRINGS = {
  "en": {
    "title": "Plan",
    "next_at": "{action} {power} at {time} for {duration}",
    "next_tomorrow": "{action} {power} tomorrow at {time} for {duration}",
    "next_now": "{action} {power} now, until {end}",
    "nothing_planned": "Nothing to do in this plan: the storage waits",
    "today": "Expected today",
    "tomorrow": "Expected tomorrow",
    "profit": "Profit this plan",
    "buy": "Buy price",
    "sell": "Sell price",
    "price_axis": "Price ({unit})",
    "power_axis": "Power (kW): charging up, discharging down",
    "soc_axis": "State of charge (%)",
    "reserve": "Reserve {soc}",
    "departure": "Departure {soc}",
    "now": "Now",
    "hours": "{h} h",
    "hours_minutes": "{h} h {m} min",
    "minutes": "{m} min",
    "status_no_prices": "No prices yet. The plan appears as soon as prices for the coming hours arrive.",
    "status_disabled": "Scheduling is off. Turn on Scheduling on the site to get a plan.",
    "status_manual": "No device is in auto mode. Set a charger's or a battery's control mode to Auto to let the plan drive it.",
    "status_car_away": "The car is away. The plan continues when it is plugged in again.",
    "status_no_plan": "Nothing to plan right now.",
    "status_waiting": "Waiting for the first plan…",
    "away": "Away: {names}",
    "no_site": "No V2G Home site found. Add the integration first.",
    "pick_site": "Site",
    "planned_at": "Planned {time}",
    "card_name": "V2G Home plan",
    "card_description": "What the car and the batteries will do when, at which prices, and what it earns."
  },
  "da": {
    "title": "Plan",
    "next_at": "{action} {power} kl. {time} i {duration}",
    "next_tomorrow": "{action} {power} i morgen kl. {time} i {duration}",
    "next_now": "{action} {power} nu, indtil kl. {end}",
    "nothing_planned": "Intet at gøre i denne plan: lagrene venter",
    "today": "Forventet i dag",
    "tomorrow": "Forventet i morgen",
    "profit": "Gevinst for denne plan",
    "buy": "Købspris",
    "sell": "Salgspris",
    "price_axis": "Pris ({unit})",
    "power_axis": "Effekt (kW): opladning op, afladning ned",
    "soc_axis": "Ladetilstand (%)",
    "reserve": "Reservegrænse {soc}",
    "departure": "Afgang {soc}",
    "now": "Nu",
    "hours": "{h} t",
    "hours_minutes": "{h} t {m} min",
    "minutes": "{m} min",
    "status_no_prices": "Ingen priser endnu. Planen vises, så snart priserne for de kommende timer er hentet.",
    "status_disabled": "Planlægning er slået fra. Slå Planlægning til på stedet for at få en plan.",
    "status_manual": "Ingen enhed er i automatisk tilstand. Sæt en laders eller et batteris styringstilstand til Auto, så planen kan styre den.",
    "status_car_away": "Bilen er væk. Planen fortsætter, når den er sat i igen.",
    "status_no_plan": "Intet at planlægge lige nu.",
    "status_waiting": "Venter på den første plan…",
    "away": "Væk: {names}",
    "no_site": "Intet V2G Home-sted fundet. Tilføj integrationen først.",
    "pick_site": "Sted",
    "planned_at": "Planlagt {time}",
    "card_name": "V2G Home-plan",
    "card_description": "Hvad bilen og batterierne gør hvornår, til hvilke priser, og hvad det tjener."
  }
};

/** The words for Home Assistant's language (Danish for da, else English), with {placeholders} filled. */
export function translator(language) {
  const words = STRINGS[String(language || "en").toLowerCase().startsWith("da") ? "da" : "en"];
  return (key, values = {}) =>
    (words[key] ?? STRINGS.en[key] ?? key).replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ""));
}
