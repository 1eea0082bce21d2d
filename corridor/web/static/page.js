// The page of `corridor serve`: places and options in, the route on the map, its steps in a
// table, and the cost/time front as a chart. Everything comes from the API of this server
// (/places, /network, /quote, /pareto); Leaflet is served from the package, no CDN.
"use strict";

const map = L.map("map", { zoomSnap: 0.25 }).setView([22.4, 105.0], 7);
const routeLayer = L.layerGroup().addTo(map);
const places = {}; // id -> place record
const $ = (id) => document.getElementById(id);

function headers() {
  const h = { "Content-Type": "application/json" };
  if ($("api-key").value) h["X-API-Key"] = $("api-key").value;
  return h;
}

async function api(path, body) {
  const response = await fetch(path, body === undefined
    ? { headers: headers() }
    : { method: "POST", headers: headers(), body: JSON.stringify(body) });
  const payload = await response.json();
  if (!response.ok) throw payload;
  return payload;
}

function request() {
  const body = { origin: $("origin").value.trim(), destination: $("destination").value.trim() };
  const number = (id) => ($(id).value === "" ? undefined : Number($(id).value));
  const list = (id) => $(id).value.split(",").map((s) => s.trim()).filter(Boolean);
  body.teu = number("teu");
  body.cargo = $("cargo").value || undefined;
  body.deadline = $("deadline").value.trim() || undefined;
  body.max_transshipments = number("max_transshipments");
  body.year = number("year");
  body.month = number("month");
  if (list("via").length) body.via = list("via");
  if (list("avoid").length) body.avoid = list("avoid");
  return body;
}

function showError(error) {
  $("message").textContent = error.message || String(error);
  const box = $("suggestions");
  box.replaceChildren();
  for (const id of error.suggestions || []) {
    const place = places[id];
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = `did you mean ${place ? place.name : id}?`;
    button.onclick = () => {
      const query = (error.message.match(/no place ['"](.*?)['"][;:]/) || [])[1];
      const field = $("origin").value.trim() === query ? "origin" : "destination";
      $(field).value = place ? place.name : id;
      box.replaceChildren();
      $("message").textContent = "";
    };
    box.appendChild(button);
  }
}

function drawRoute(quote) {
  routeLayer.clearLayers();
  const bounds = [];
  for (const step of quote.steps) {
    const a = places[step.from_place], b = places[step.to_place];
    if (!a || !b) continue;
    bounds.push([a.lat, a.lon], [b.lat, b.lon]);
    if (step.kind === "leg" || step.kind === "border") {
      L.polyline([[a.lat, a.lon], [b.lat, b.lon]], {
        color: MODE_COLOURS[step.to_mode] || "#555", weight: 6,
        dashArray: step.kind === "border" ? "4 8" : null, className: "route-leg",
      }).bindTooltip(`${step.ref}: ${step.km.toFixed(0)} km, ${step.hours_p50.toFixed(1)} h, ` +
        `${step.cost_usd.toFixed(0)} USD`).addTo(routeLayer);
    }
  }
  for (const [id, colour] of [[quote.shipment.origin, "#1a9850"], [quote.shipment.destination, "#d73027"]]) {
    const p = places[id];
    if (p) L.circleMarker([p.lat, p.lon], { radius: 7, color: colour, fill: true, fillOpacity: 1 })
      .bindTooltip(p.name).addTo(routeLayer);
  }
  if (bounds.length) map.fitBounds(bounds, { padding: [30, 30] });
  document.body.dataset.routeSteps = String(quote.steps.length);
}

function fillTable(quote) {
  const columns = ["kind", "ref", "km", "cost_usd", "hours_p50", "hours_p90", "co2e_kg"];
  const head = $("steps").tHead, body = $("steps").tBodies[0];
  head.innerHTML = "<tr>" + columns.map((c) => `<th>${c}</th>`).join("") + "</tr>";
  body.replaceChildren();
  for (const step of quote.steps) {
    const row = body.insertRow();
    for (const c of columns) {
      const v = step[c];
      row.insertCell().textContent = typeof v === "number" ? v.toLocaleString("en", { maximumFractionDigits: 1 }) : v;
    }
  }
  const t = quote.totals;
  $("summary").textContent = `${quote.modes.join(" → ")}: ${t.cost_usd.toLocaleString("en", { maximumFractionDigits: 0 })} USD, ` +
    `${t.hours_p50.toFixed(1)} h P50 (${t.hours_p90.toFixed(1)} h P90), ${t.co2e_kg.toFixed(0)} kg CO2e, ` +
    `${t.km.toFixed(0)} km` + (quote.notes.length ? ` — ${quote.notes.join(" ")}` : "");
}

function show(quote) {
  drawRoute(quote);
  fillTable(quote);
}

async function runQuote() {
  $("message").textContent = "";
  $("suggestions").replaceChildren();
  try {
    await loadNetwork();
    const body = request();
    body.objective = $("objective").value || undefined;
    const result = await api("/quote", body);
    show(Array.isArray(result) ? result[0] : result);
  } catch (error) {
    showError(error);
  }
}

function drawFront(front) {
  const w = 480, h = 220, pad = 40;
  const xs = front.map((q) => q.totals.hours_p50), ys = front.map((q) => q.totals.cost_usd);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const sx = (x) => pad + (w - 2 * pad) * (x1 > x0 ? (x - x0) / (x1 - x0) : 0.5);
  const sy = (y) => h - pad + -(h - 2 * pad) * (y1 > y0 ? (y - y0) / (y1 - y0) : 0.5);
  const points = front.map((q, i) =>
    `<circle data-index="${i}" cx="${sx(xs[i])}" cy="${sy(ys[i])}" r="6" fill="${MODE_COLOURS[q.modes[1]] || "#555"}">` +
    `<title>${q.modes.join(" → ")}: ${ys[i].toFixed(0)} USD, ${xs[i].toFixed(1)} h</title></circle>`).join("");
  $("front").innerHTML = `<svg width="${w}" height="${h}" role="img" aria-label="cost/time front">` +
    `<text x="${w / 2}" y="${h - 8}" text-anchor="middle" font-size="11">hours P50</text>` +
    `<text x="10" y="14" font-size="11">USD</text>` +
    `<polyline fill="none" stroke="#999" points="${front.map((q, i) => `${sx(xs[i])},${sy(ys[i])}`).join(" ")}"/>` +
    points + "</svg>";
  for (const circle of $("front").querySelectorAll("circle")) {
    circle.onclick = () => show(front[Number(circle.dataset.index)]);
  }
}

async function runFront() {
  $("message").textContent = "";
  try {
    await loadNetwork();
    const body = request();
    const front = await api("/pareto", body);
    drawFront(front);
    if (front.length) show(front[0]);
  } catch (error) {
    showError(error);
  }
}

let loaded = false; // the places and the network drawn (they need the key, if one is set)

async function loadNetwork() {
  if (loaded) return;
  const year = $("year").value || "2026";
  const listed = await api(`/places?year=${year}`);
  for (const p of listed.places) places[p.id] = p;
  $("place-names").replaceChildren(...listed.places.map((p) => new Option(`${p.name_vi} · ${p.name_zh} · ${p.id}`, p.name)));
  const network = await api(`/network?year=${year}`);
  L.geoJSON(network, {
    filter: (f) => f.properties.layer === "link",
    style: (f) => ({ color: "#999", weight: 1.5, opacity: 0.6, dashArray: f.properties.kind === "border" ? "3 4" : null }),
  }).addTo(map);
  for (const p of listed.places) {
    L.circleMarker([p.lat, p.lon], { radius: 2.5, color: "#666" }).bindTooltip(`${p.name} (${p.id})`).addTo(map);
  }
  loaded = true;
}

async function start() {
  const health = await (await fetch("/health")).json();
  $("key-label").hidden = !health.api_key_required;
  const schema = await (await fetch("/openapi.json")).json();
  const defs = schema.components.schemas;
  for (const [id, values] of [["cargo", defs.CargoClass.enum], ["objective", defs.QuoteBody.properties.objective.enum]]) {
    $(id).replaceChildren(...values.map((v) => new Option(v, v)));
    const preset = defs.QuoteBody.properties[id].default; // the library's default is selected
    if (preset !== undefined) $(id).value = preset;
  }
  const params = new URLSearchParams(location.search);
  for (const [key, value] of params) if ($(key)) $(key).value = value;
  $("form").onsubmit = (event) => { event.preventDefault(); runQuote(); };
  $("front-button").onclick = runFront;
  try {
    await loadNetwork();
  } catch (error) {
    showError(error); // the key, if one is needed: the buttons load the network again
  }
  if (loaded && params.has("origin") && params.has("destination")) {
    await runQuote();
    if (params.get("front")) await runFront();
  }
  document.body.dataset.ready = "true";
}

start();
