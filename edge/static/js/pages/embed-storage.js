// Imported first by the embedded page: a browser that blocks storage for third-party
// frames throws on any use of localStorage / sessionStorage; the widget then keeps its
// preferences (the time zone) in memory for the visit instead of failing to start.
function memoryStorage() {
  const items = new Map();
  return {
    get length() { return items.size; },
    key: (i) => [...items.keys()][i] ?? null,
    getItem: (k) => (items.has(String(k)) ? items.get(String(k)) : null),
    setItem: (k, v) => { items.set(String(k), String(v)); },
    removeItem: (k) => { items.delete(String(k)); },
    clear: () => items.clear(),
  };
}

for (const name of ["localStorage", "sessionStorage"]) {
  try {
    window[name].getItem("booker.probe");
  } catch {
    Object.defineProperty(window, name, { value: memoryStorage(), configurable: true });
  }
}
