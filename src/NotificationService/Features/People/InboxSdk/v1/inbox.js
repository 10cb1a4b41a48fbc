// <notification-inbox>: NotificationService's inbox component, v1. One ES module, no dependencies, no build step.
// It talks only to the public end-user API (/api/v1/users/me). Tabs of one browser share one live stream: a leader
// elected with the Web Locks API holds the EventSource and relays its events to the other tabs over a
// BroadcastChannel; when the leader tab closes the next one takes the lock and resumes from the last event id.
// Styles are constructable stylesheets in the shadow root, so a CSP without 'unsafe-inline' is enough.

const ME = '/api/v1/users/me';
const KINDS = ['counts', 'notification.created', 'notification.updated', 'reset'];
const RTL = ['ar', 'he', 'fa', 'ur'];
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const SCRIPT_ORIGIN = new URL(import.meta.url).origin;

const STRINGS = {
  en: {
    title: 'Notifications', bell: 'Notifications, {n} unread', markAll: 'Mark all as read', prefs: 'Notification preferences',
    close: 'Close', back: 'Back to notifications', all: 'All', unread: 'Unread', show: 'Show', tabs: 'Categories',
    empty: 'You are all caught up', loading: 'Loading…', failed: 'Could not load notifications', markRead: 'Mark as read',
    markUnread: 'Mark as unread', archive: 'Archive', isUnread: 'Unread', received: 'New notification: {t}', thread: '{n} notifications',
    category: 'Category', required: 'Required', everything: 'All notifications', quiet: 'Quiet hours',
    quietOn: 'Pause notifications during quiet hours', from: 'From', to: 'To', zone: 'Time zone', days: 'Days', save: 'Save', saved: 'Saved',
    digests: 'Digests', digestHow: 'How often', digestApp: 'As the app sends them', immediate: 'Each at once', hourly: 'Hourly', daily: 'Daily', weekly: 'Weekly', at: 'At', day: 'Day',
    bellError: 'Notifications unavailable', origin_not_allowed: 'Notifications cannot be shown on this site.',
    token_refused: 'Your notifications could not be loaded: your sign-in was not accepted.',
    ch: { email: 'Email', sms: 'SMS', push: 'Push', whatsapp: 'WhatsApp', in_app: 'In-app', chat: 'Chat' },
  },
  fr: {
    title: 'Notifications', bell: 'Notifications, {n} non lues', markAll: 'Tout marquer comme lu', prefs: 'Préférences de notification',
    close: 'Fermer', back: 'Retour aux notifications', all: 'Toutes', unread: 'Non lues', show: 'Afficher', tabs: 'Catégories',
    empty: 'Vous êtes à jour', loading: 'Chargement…', failed: 'Impossible de charger les notifications', markRead: 'Marquer comme lue',
    markUnread: 'Marquer comme non lue', archive: 'Archiver', isUnread: 'Non lue', received: 'Nouvelle notification : {t}', thread: '{n} notifications',
    category: 'Catégorie', required: 'Obligatoire', everything: 'Toutes les notifications', quiet: 'Heures calmes',
    quietOn: 'Suspendre les notifications pendant les heures calmes', from: 'De', to: 'À', zone: 'Fuseau horaire', days: 'Jours', save: 'Enregistrer', saved: 'Enregistré',
    digests: 'Résumés', digestHow: 'Fréquence', digestApp: 'Comme l’app les envoie', immediate: 'Chacune aussitôt', hourly: 'Toutes les heures', daily: 'Chaque jour', weekly: 'Chaque semaine', at: 'À', day: 'Jour',
    bellError: 'Notifications indisponibles', origin_not_allowed: 'Les notifications ne peuvent pas être affichées sur ce site.',
    token_refused: 'Impossible de charger vos notifications : votre connexion n’a pas été acceptée.',
    ch: { email: 'E-mail', sms: 'SMS', push: 'Push', whatsapp: 'WhatsApp', in_app: 'Dans l’app', chat: 'Messagerie' },
  },
  de: {
    title: 'Benachrichtigungen', bell: 'Benachrichtigungen, {n} ungelesen', markAll: 'Alle als gelesen markieren', prefs: 'Benachrichtigungseinstellungen',
    close: 'Schließen', back: 'Zurück zu den Benachrichtigungen', all: 'Alle', unread: 'Ungelesen', show: 'Anzeigen', tabs: 'Kategorien',
    empty: 'Sie sind auf dem neuesten Stand', loading: 'Wird geladen…', failed: 'Benachrichtigungen konnten nicht geladen werden', markRead: 'Als gelesen markieren',
    markUnread: 'Als ungelesen markieren', archive: 'Archivieren', isUnread: 'Ungelesen', received: 'Neue Benachrichtigung: {t}', thread: '{n} Benachrichtigungen',
    category: 'Kategorie', required: 'Erforderlich', everything: 'Alle Benachrichtigungen', quiet: 'Ruhezeiten',
    quietOn: 'Benachrichtigungen während der Ruhezeiten pausieren', from: 'Von', to: 'Bis', zone: 'Zeitzone', days: 'Tage', save: 'Speichern', saved: 'Gespeichert',
    digests: 'Zusammenfassungen', digestHow: 'Wie oft', digestApp: 'Wie die App sie sendet', immediate: 'Jede sofort', hourly: 'Stündlich', daily: 'Täglich', weekly: 'Wöchentlich', at: 'Um', day: 'Tag',
    bellError: 'Benachrichtigungen nicht verfügbar', origin_not_allowed: 'Benachrichtigungen können auf dieser Website nicht angezeigt werden.',
    token_refused: 'Ihre Benachrichtigungen konnten nicht geladen werden: Ihre Anmeldung wurde nicht akzeptiert.',
    ch: { email: 'E-Mail', sms: 'SMS', push: 'Push', whatsapp: 'WhatsApp', in_app: 'In der App', chat: 'Chat' },
  },
  es: {
    title: 'Notificaciones', bell: 'Notificaciones, {n} sin leer', markAll: 'Marcar todo como leído', prefs: 'Preferencias de notificación',
    close: 'Cerrar', back: 'Volver a las notificaciones', all: 'Todas', unread: 'Sin leer', show: 'Mostrar', tabs: 'Categorías',
    empty: 'Estás al día', loading: 'Cargando…', failed: 'No se pudieron cargar las notificaciones', markRead: 'Marcar como leída',
    markUnread: 'Marcar como no leída', archive: 'Archivar', isUnread: 'Sin leer', received: 'Nueva notificación: {t}', thread: '{n} notificaciones',
    category: 'Categoría', required: 'Obligatoria', everything: 'Todas las notificaciones', quiet: 'Horas de silencio',
    quietOn: 'Pausar las notificaciones durante las horas de silencio', from: 'Desde', to: 'Hasta', zone: 'Zona horaria', days: 'Días', save: 'Guardar', saved: 'Guardado',
    digests: 'Resúmenes', digestHow: 'Frecuencia', digestApp: 'Como la app los envía', immediate: 'Cada una al momento', hourly: 'Cada hora', daily: 'Cada día', weekly: 'Cada semana', at: 'A las', day: 'Día',
    bellError: 'Notificaciones no disponibles', origin_not_allowed: 'Las notificaciones no se pueden mostrar en este sitio.',
    token_refused: 'No se pudieron cargar tus notificaciones: tu inicio de sesión no fue aceptado.',
    ch: { email: 'Correo', sms: 'SMS', push: 'Push', whatsapp: 'WhatsApp', in_app: 'En la app', chat: 'Chat' },
  },
  ar: {
    title: 'الإشعارات', bell: 'الإشعارات، {n} غير مقروءة', markAll: 'تعليم الكل كمقروء', prefs: 'تفضيلات الإشعارات',
    close: 'إغلاق', back: 'العودة إلى الإشعارات', all: 'الكل', unread: 'غير المقروءة', show: 'عرض', tabs: 'الفئات',
    empty: 'لا جديد لديك', loading: 'جارٍ التحميل…', failed: 'تعذّر تحميل الإشعارات', markRead: 'تعليم كمقروء',
    markUnread: 'تعليم كغير مقروء', archive: 'أرشفة', isUnread: 'غير مقروء', received: 'إشعار جديد: {t}', thread: '{n} إشعارات',
    category: 'الفئة', required: 'إلزامي', everything: 'كل الإشعارات', quiet: 'ساعات الهدوء',
    quietOn: 'إيقاف الإشعارات مؤقتًا خلال ساعات الهدوء', from: 'من', to: 'إلى', zone: 'المنطقة الزمنية', days: 'الأيام', save: 'حفظ', saved: 'تم الحفظ',
    digests: 'الملخصات', digestHow: 'كم مرة', digestApp: 'كما يرسلها التطبيق', immediate: 'كل إشعار فورًا', hourly: 'كل ساعة', daily: 'يوميًا', weekly: 'أسبوعيًا', at: 'في', day: 'اليوم',
    bellError: 'الإشعارات غير متاحة', origin_not_allowed: 'لا يمكن عرض الإشعارات على هذا الموقع.',
    token_refused: 'تعذّر تحميل إشعاراتك: لم يُقبل تسجيل دخولك.',
    ch: { email: 'البريد', sms: 'SMS', push: 'دفع', whatsapp: 'واتساب', in_app: 'في التطبيق', chat: 'الدردشة' },
  },
};

const CSS = `
:host{--ni-accent:#1967d2;--ni-on-accent:#fff;--ni-bg:#fff;--ni-fg:#1f1f1f;--ni-muted:#5f6368;--ni-border:#dadce0;
--ni-unread-bg:#eef3fd;--ni-badge-bg:#c5221f;--ni-badge-fg:#fff;--ni-radius:10px;--ni-width:380px;--ni-z:1000;
--ni-font:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;--ni-shadow:0 8px 28px rgba(0,0,0,.2);
position:relative;display:inline-block;font-family:var(--ni-font);color:var(--ni-fg);font-size:14px;line-height:1.4}
@media (prefers-color-scheme:dark){:host{--ni-accent:#8ab4f8;--ni-on-accent:#202124;--ni-bg:#202124;--ni-fg:#e8eaed;
--ni-muted:#bdc1c6;--ni-border:#3c4043;--ni-unread-bg:#28344a;--ni-badge-bg:#f28b82;--ni-badge-fg:#202124}}
*{box-sizing:border-box}
button{font:inherit;color:inherit}
:focus-visible{outline:2px solid var(--ni-accent);outline-offset:2px}
.sr{position:absolute;inline-size:1px;block-size:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
.bell{position:relative;inline-size:40px;block-size:40px;border:0;border-radius:50%;background:transparent;cursor:pointer;display:grid;place-items:center}
.bell:hover{background:rgba(127,127,127,.15)}
.badge{position:absolute;inset-block-start:1px;inset-inline-end:-2px;min-inline-size:18px;block-size:18px;padding:0 5px;border-radius:9px;
background:var(--ni-badge-bg);color:var(--ni-badge-fg);font-size:11px;font-weight:700;line-height:18px;text-align:center}
[hidden]{display:none!important}
.pop{position:absolute;z-index:var(--ni-z);inset-block-start:calc(100% + 6px);inset-inline-end:0;inline-size:min(var(--ni-width),calc(100vw - 16px));
max-block-size:min(560px,calc(100vh - 80px));display:flex;flex-direction:column;background:var(--ni-bg);color:var(--ni-fg);
border:1px solid var(--ni-border);border-radius:var(--ni-radius);box-shadow:var(--ni-shadow);overflow:hidden;text-align:start}
:host([placement$=start]) .pop{inset-inline-end:auto;inset-inline-start:0}
:host([placement^=top]) .pop{inset-block-start:auto;inset-block-end:calc(100% + 6px)}
.pop.narrow{position:fixed;inset-inline:8px;inline-size:auto;inset-block-end:auto;max-block-size:calc(100vh - 16px)}
.head{display:flex;align-items:center;gap:2px;padding:8px 6px 8px 14px;border-block-end:1px solid var(--ni-border)}
h2{margin:0;font-size:16px;flex:1;min-inline-size:0}
h3{font-size:14px;margin:14px 0 6px}
.text{border:0;background:transparent;color:var(--ni-accent);font-size:13px;cursor:pointer;padding:4px 6px;border-radius:6px}
.icon{inline-size:32px;block-size:32px;border:0;border-radius:6px;background:transparent;color:var(--ni-muted);cursor:pointer;display:grid;place-items:center;flex:none}
.icon:hover,.text:hover{background:rgba(127,127,127,.15)}
.tabs{display:flex;gap:2px;padding:4px 8px 0;overflow-x:auto;border-block-end:1px solid var(--ni-border)}
.tab{border:0;border-block-end:2px solid transparent;background:transparent;color:var(--ni-muted);padding:6px 10px;cursor:pointer;white-space:nowrap}
.tab[aria-selected=true]{color:var(--ni-fg);border-block-end-color:var(--ni-accent);font-weight:600}
.filter{display:flex;gap:6px;padding:8px 12px}
.chip{border:1px solid var(--ni-border);background:transparent;border-radius:14px;font-size:12px;padding:3px 10px;cursor:pointer}
.chip[aria-pressed=true]{background:var(--ni-accent);border-color:var(--ni-accent);color:var(--ni-on-accent)}
.panel{display:flex;flex-direction:column;flex:1 1 auto;min-block-size:0}
.scroll{overflow-y:auto;flex:1 1 auto;min-block-size:100px}
ul{list-style:none;margin:0;padding:0}
li{display:flex;gap:10px;padding:12px 12px 12px 14px;border-block-end:1px solid var(--ni-border);cursor:pointer}
li.unread{background:var(--ni-unread-bg)}
li:focus-visible{outline-offset:-2px}
.dot{inline-size:8px;block-size:8px;border-radius:50%;background:var(--ni-accent);margin-block-start:7px;flex:none;visibility:hidden}
.unread .dot{visibility:visible}
.main{flex:1;min-inline-size:0}
.t{margin:0;font-weight:600;overflow-wrap:anywhere}
.b{margin:2px 0 0;font-size:13px;color:var(--ni-muted);overflow-wrap:anywhere}
.meta{display:flex;gap:8px;margin-block-start:4px;font-size:12px;color:var(--ni-muted)}
.acts{display:flex;flex-wrap:wrap;gap:8px;margin-block-start:8px}
.act{border:1px solid var(--ni-accent);background:transparent;color:var(--ni-accent);border-radius:6px;padding:3px 10px;font-size:13px;cursor:pointer;
max-inline-size:100%;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.act:first-child{background:var(--ni-accent);color:var(--ni-on-accent)}
.tools{display:flex;flex-direction:column;gap:2px}
.alert{margin:12px;padding:10px 12px;border:1px solid var(--ni-badge-bg);border-inline-start-width:4px;border-radius:6px;font-size:13px}
.status{padding:22px 14px;text-align:center;color:var(--ni-muted);font-size:13px}
.prefs{overflow:auto;padding:4px 14px 14px;flex:1 1 auto}
table{border-collapse:collapse;inline-size:100%;font-size:13px}
th,td{padding:6px 2px;text-align:center;font-weight:normal}
th[scope=row],thead th:first-child{text-align:start}
thead th{font-size:12px;color:var(--ni-muted)}
.lock{font-size:11px;color:var(--ni-muted);display:block}
.row{display:flex;flex-wrap:wrap;gap:10px;align-items:center;margin:6px 0}
.row label{display:flex;gap:6px;align-items:center}
input[type=time],input[type=text]{font:inherit;color:var(--ni-fg);background:var(--ni-bg);border:1px solid var(--ni-border);border-radius:6px;padding:3px 6px}
fieldset{border:0;padding:0;margin:6px 0}
legend{padding:0;margin-block-end:4px}
.save{background:var(--ni-accent);color:var(--ni-on-accent);border:0;border-radius:6px;padding:5px 14px;cursor:pointer}
.note{font-size:12px;color:var(--ni-muted);margin-inline-start:8px}
`;

const ICONS = {
  bell: 'M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1z',
  gear: 'M19.4 13a7.5 7.5 0 0 0 0-2l2.1-1.6-2-3.5-2.5 1a7.6 7.6 0 0 0-1.7-1L15 3.2h-4l-.4 2.7a7.6 7.6 0 0 0-1.7 1l-2.5-1-2 3.5L6.6 11a7.5 7.5 0 0 0 0 2l-2.1 1.6 2 3.5 2.5-1a7.6 7.6 0 0 0 1.7 1l.4 2.7h4l.4-2.7a7.6 7.6 0 0 0 1.7-1l2.5 1 2-3.5zM13 15.5a3.5 3.5 0 1 1 0-7 3.5 3.5 0 0 1 0 7z',
  close: 'M18.3 5.7 12 12l6.3 6.3-1.4 1.4L10.6 13.4 4.3 19.7 2.9 18.3 9.2 12 2.9 5.7l1.4-1.4 6.3 6.3 6.3-6.3z',
  back: 'M20 11H7.8l5.6-5.6L12 4l-8 8 8 8 1.4-1.4L7.8 13H20z',
  check: 'M9 16.2 4.8 12l-1.4 1.4L9 19 21 7l-1.4-1.4z',
  dot: 'M12 8a4 4 0 1 0 0 8 4 4 0 0 0 0-8z',
  archive: 'M20.5 5.2 19.1 3.5A1.5 1.5 0 0 0 18 3H6a1.5 1.5 0 0 0-1.1.5L3.5 5.2A2 2 0 0 0 3 6.5V19a2 2 0 0 0 2 2h14a2 2 0 0 0 2-2V6.5a2 2 0 0 0-.5-1.3zM12 17.5 6.5 12H10v-2h4v2h3.5zM5.1 5l.8-1h12l.9 1z',
};

let sheet;
const styles = () => { if (!sheet) { sheet = new CSSStyleSheet(); sheet.replaceSync(CSS); } return sheet; };

/** Creates an element: el('button', {class: 'x', onclick}, child, 'text'). */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null || v === false) continue;
    if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else if (k === 'text') node.textContent = v;
    else node.setAttribute(k, v === true ? '' : v);
  }
  node.append(...children.filter(c => c != null));
  return node;
}

function icon(name, size = 20) {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  for (const [k, v] of Object.entries({ viewBox: '0 0 24 24', width: size, height: size, fill: 'currentColor', 'aria-hidden': 'true', focusable: 'false' })) svg.setAttribute(k, v);
  const path = document.createElementNS(ns, 'path');
  path.setAttribute('d', ICONS[name]);
  svg.append(path);
  return svg;
}

/** The unverified claims of a JWT: only to tell users apart (the lock's and channel's name) and to see expiry coming. */
function claims(token) {
  try {
    const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(decodeURIComponent(escape(atob(part))));
  } catch { return {}; }
}

/** Only http(s) and relative links are followed (the service checks them too, at save, send and render). */
function safeUrl(url) {
  if (typeof url !== 'string' || !url || /[\s\\]/.test(url) || url.startsWith('//')) return null;
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url);
  return !scheme || /^https?$/i.test(scheme[1]) ? url : null;
}

const newer = (a, b) => (a.createdAt === b.createdAt ? (a.id < b.id ? 1 : -1) : (a.createdAt < b.createdAt ? 1 : -1));

/**
 * One live stream per browser and user. Every tab contends for a Web Lock named after the API and the user; the holder
 * (the leader) opens the EventSource and posts each event to a BroadcastChannel of the same name, which every other tab
 * hears. Closing the leader tab releases the lock and the next tab resumes from the last event id it heard, so the
 * service replays exactly what fell between. Errors reconnect with a new single-use ticket after a jittered,
 * exponentially growing pause; coming back online, waking from sleep or becoming visible reconnects at once.
 */
class LiveLink {
  constructor(inbox, key) {
    this.inbox = inbox;
    this.key = key;
    this.lastId = null;
    this.attempt = 0;
    this.abort = new AbortController();
    if ('BroadcastChannel' in self) {
      this.channel = new BroadcastChannel(key);
      this.channel.onmessage = e => this.heard(e.data);
    }
    if (navigator.locks) {
      navigator.locks.request(key, { signal: this.abort.signal }, () => new Promise(release => { this.release = release; this.lead(); }))
        .catch(() => {});
    } else this.lead();   // no Web Locks: each tab streams for itself
    this.wake = () => { if (this.leader && this.es?.readyState !== EventSource.OPEN) this.reconnect(); };
    this.sleep = () => { if (this.leader) { clearTimeout(this.timer); this.close(); this.state('offline'); } };   // resumed on 'online'
    this.onVisible = () => { if (document.visibilityState === 'visible') this.wake(); };
    addEventListener('online', this.wake);
    addEventListener('offline', this.sleep);
    document.addEventListener('visibilitychange', this.onVisible);
    let tick = Date.now();
    this.clock = setInterval(() => {   // a long gap between ticks: the machine slept and the connection may be dead
      const now = Date.now();
      if (now - tick > 30000 && this.leader) this.reconnect();
      tick = now;
    }, 5000);
  }

  lead() {
    if (this.stopped) { this.release?.(); return; }
    this.leader = true;
    this.inbox.toggleAttribute('data-stream-leader', true);
    this.connect();
  }

  reconnect() { this.attempt = 0; this.connect(); }

  /** A refusal no retry can fix (the page's origin, the token): no more tickets until the element restarts. The lock
   * is kept, so the other tabs of the browser do not take over and ask in turn. */
  halt() {
    this.halted = true;
    clearTimeout(this.timer);
    this.close();
    this.state('stopped');
  }

  async connect() {
    clearTimeout(this.timer);
    this.close();
    if (this.stopped || this.halted) return;
    this.state('connecting');
    const fresh = this.lastId == null;
    try {
      const { ticket } = await this.inbox.call('/stream-ticket', { method: 'POST' });
      if (this.stopped) return;
      const query = new URLSearchParams({ ticket });
      if (!fresh) query.set('lastEventId', String(this.lastId));
      const es = this.es = new EventSource(`${this.inbox.api}${ME}/stream?${query}`);
      es.onopen = () => {
        this.attempt = 0;
        this.state('open');
        if (fresh) this.deliver({ kind: 'reset', data: null, id: null });   // nothing to resume from: every tab refetches once
      };
      for (const kind of KINDS) es.addEventListener(kind, e => {
        if (this.es !== es) return;
        this.lastId = e.lastEventId === '' ? this.lastId : e.lastEventId;   // opaque ("12" or "12.7" with topics): sent back as is
        this.deliver({ kind, data: JSON.parse(e.data), id: this.lastId });
      });
      es.onerror = () => { if (this.es === es) { this.close(); this.retry(); } };   // the ticket is spent: never let EventSource retry it
    } catch (e) {
      this.inbox.trouble(e);
      if (!e.fatal) this.retry();
    }
  }

  retry() {
    if (this.stopped || this.halted) return;
    if (navigator.onLine === false) { this.state('offline'); return; }   // 'online' reconnects
    const cap = Math.min(30000, 1000 * 2 ** Math.min(this.attempt++, 5));
    this.state('waiting');
    this.timer = setTimeout(() => this.connect(), cap / 2 + Math.random() * cap / 2);
  }

  deliver(message) {
    this.channel?.postMessage(message);
    this.inbox.live(message);
  }

  heard(message) {
    if (message.id != null) this.lastId = message.id;
    this.inbox.live(message);
  }

  state(s) { this.inbox.setAttribute('data-stream', s); }

  close() { if (this.es) { this.es.close(); this.es = null; } }

  stop() {
    this.stopped = true;
    this.abort.abort();
    this.release?.();
    clearTimeout(this.timer);
    clearInterval(this.clock);
    this.close();
    this.channel?.close();
    removeEventListener('online', this.wake);
    removeEventListener('offline', this.sleep);
    document.removeEventListener('visibilitychange', this.onVisible);
    this.inbox.removeAttribute('data-stream-leader');
    this.inbox.removeAttribute('data-stream');
  }
}

/**
 * <notification-inbox api="https://notify.example.com" locale="fr" categories="orders,security" placement="bottom-end">
 * Properties: token, getToken (called at start without a token, and again whenever the service answers 401), api,
 * locale, categories, placement. Read-only: unreadCount (also the `unread-count` attribute). Events (bubbling,
 * composed): notification-click (cancelable), notification-received, unread-count-change, inbox-open, inbox-close,
 * inbox-error {code, status, message}. A refusal no retry can fix (code origin_not_allowed or token_refused) is reported
 * once: the event, one console.warn naming the fix, the `data-error` attribute, the bell and an alert in the popover;
 * then the element asks nothing more until its token, getToken or api changes.
 */
export class NotificationInbox extends HTMLElement {
  static observedAttributes = ['api', 'token', 'locale', 'categories', 'placement'];
  #token = null; #getToken = null; #pending = null; #link = null; #key = null; #open = false; #view = 'feed';
  #counts = { unread: 0, unseen: 0, total: 0 }; #countsVersion = 0; #items = new Map(); #cursor = null; #done = false;
  #loading = false; #loaded = false; #tab = ''; #filter = 'all'; #active = null; #known = new Set(); #prefs = null;
  #names = {}; #error = null; #focusItem = false; #generation = 0; #listGen = 0; #early = {}; #fatal = null;

  constructor() {
    super();
    const root = this.attachShadow({ mode: 'open' });
    root.adoptedStyleSheets = [styles()];
    this.ui = {};
    for (const prop of ['token', 'getToken', 'api', 'locale']) {   // set on the element before the module defined it
      if (Object.prototype.hasOwnProperty.call(this, prop)) { this.#early[prop] = this[prop]; delete this[prop]; }
    }
  }

  get api() { return (this.getAttribute('api') || SCRIPT_ORIGIN).replace(/\/+$/, ''); }
  set api(v) { this.setAttribute('api', v); }
  get locale() { return this.getAttribute('locale') || document.documentElement.lang || navigator.language || 'en'; }
  set locale(v) { this.setAttribute('locale', v); }
  get token() { return this.#token; }
  set token(v) { if (v !== this.#token) { this.#token = v || null; this.#restart(); } }
  get getToken() { return this.#getToken; }
  set getToken(fn) { this.#getToken = typeof fn === 'function' ? fn : null; this.#restart(); }
  get unreadCount() { return this.#counts.unread; }
  get categories() { return (this.getAttribute('categories') || '').split(',').map(s => s.trim()).filter(Boolean); }

  connectedCallback() {
    this.#render();
    const early = this.#early;
    this.#early = {};
    for (const [prop, value] of Object.entries(early)) this[prop] = value;
    this.#restart();
  }
  disconnectedCallback() { this.#stop(); }

  attributeChangedCallback(name, old, value) {
    if (old === value) return;
    if (name === 'token') this.token = value;
    else if (name === 'api') this.#restart();
    else if (this.isConnected) { this.#render(); if (name === 'categories') this.#reload(); }
  }

  get #t() {
    const lang = this.locale.toLowerCase().split('-')[0];
    return STRINGS[lang] || STRINGS.en;
  }

  #say(key, vars = {}) { return this.#t[key].replace(/\{(\w+)\}/g, (_, k) => vars[k]); }

  // ---- the API ---------------------------------------------------------------------------------------------------

  async #tokenFor(force) {
    if (!force && this.#token) {
      const { exp } = claims(this.#token);
      if (!this.#getToken || !exp || exp * 1000 - Date.now() > 30000) return this.#token;
    }
    if (!this.#getToken) { if (this.#token) return this.#token; throw Object.assign(new Error('No token: set token or getToken.'), { status: 0, code: 'token_unavailable' }); }
    this.#pending ??= Promise.resolve().then(() => this.#getToken()).then(t => { this.#pending = null; this.#token = t; return t; },
      e => { this.#pending = null; throw Object.assign(new Error(`getToken() failed: ${e?.message ?? e}`), { status: 0, code: 'token_unavailable' }); });
    return this.#pending;
  }

  /** Calls /api/v1/users/me{path} with the token in the Authorization header (never cookies); a 401 gets one new token. */
  async call(path, { method = 'GET', body, keepalive = false } = {}, retried = false) {
    if (this.#fatal) throw this.#fatal;   // refused for good: ask nothing more
    const token = await this.#tokenFor(retried);
    const headers = { Authorization: `Bearer ${token}` };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let res;
    try {
      res = await fetch(this.api + ME + path, {
        method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'omit', cache: 'no-store', keepalive,
      });
    } catch { throw await this.#unreachable(token); }
    if (res.status === 401 && !retried && this.#getToken) return this.call(path, { method, body, keepalive }, true);
    if (!res.ok) {
      const problem = await res.json().catch(() => ({}));
      // a 401 after a fresh token (or with the fixed one) is the token's own fault: asking again gets the same answer
      const refused = res.status === 401;
      throw Object.assign(new Error(problem.detail || `HTTP ${res.status}`),
        { status: res.status, problem, code: refused ? 'token_refused' : 'http_error', fatal: refused });
    }
    return res.status === 204 ? null : res.json();
  }

  /**
   * A fetch that failed without an answer: the browser hides a CORS refusal as it hides a network error. The service's
   * origin check (CORS for any page, no credentials) tells them apart: the tenant does not list this page's origin, or
   * the service (or the way to it) is down and a retry may work.
   */
  async #unreachable(token) {
    let listed = null;
    try {
      const res = await fetch(`${this.api}/sdk/v1/origin-check?tenant=${encodeURIComponent(claims(token).iss || '')}`,
        { credentials: 'omit', cache: 'no-store' });
      if (res.ok) ({ listed } = await res.json());
    } catch { /* out of reach too */ }
    if (listed === false)
      return Object.assign(new Error(`The tenant does not list this page's origin ${location.origin} among its web origins.`),
        { status: 0, code: 'origin_not_allowed', fatal: true });
    return Object.assign(new Error(`The notification service at ${this.api} could not be reached.`), { status: 0, code: 'network' });
  }

  /** What went wrong, for the live link too (its errors are the element's). */
  trouble(error) { this.#fail(error); }

  #fail(error) {
    const detail = { code: error.code || 'network', status: error.status ?? 0, message: error.message };
    if (error.fatal) {
      if (this.#fatal) return;   // reported once: the calls that were in flight fail the same way
      this.#fatal = error;
      this.#warn(error);
      this.#link?.halt();
      this.setAttribute('data-error', detail.code);
      if (this.ui.live) this.ui.live.textContent = this.#t[detail.code];
      this.#renderBell();
      this.#renderStatus();
    }
    this.#emit('inbox-error', detail);
  }

  /** One line for the page's developer, naming the fix (end users see only the element's own words). */
  #warn(error) {
    const api = this.api, origin = location.origin;
    console.warn(error.code === 'origin_not_allowed'
      ? `notification-inbox: ${api} refuses this page's origin ${origin}. Add ${origin} to the tenant's web origins: `
        + `console → Web origins, or PUT ${api}/api/v1/admin/web-origins {"origins":[…, "${origin}"]} with an admin key.`
      : `notification-inbox: ${api} refused the end-user token, also a fresh one from getToken() (${error.message}). `
        + 'Tokens need iss = the tenant id, sub = the user id, aud = notification-service and exp at most 24 h ahead, '
        + `signed by a key of the tenant (POST ${api}/api/v1/services/users/{userId}/token mints one).`);
  }

  #emit(type, detail, cancelable = false) {
    return this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true, cancelable }));
  }

  // ---- lifecycle -------------------------------------------------------------------------------------------------

  #stop() { this.#link?.stop(); this.#link = null; this.#key = null; }

  async #restart() {
    if (!this.isConnected || (!this.#token && !this.#getToken)) return;
    const generation = ++this.#generation;
    if (this.#fatal) {   // a new token, getToken or api: worth asking again
      this.#fatal = null;
      this.removeAttribute('data-error');
      this.#stop();
      this.#renderBell();
      this.#renderStatus();
    }
    let token;
    try { token = await this.#tokenFor(false); } catch (e) { this.#fail(e); return; }
    if (generation !== this.#generation) return;
    const { iss = '', sub = '' } = claims(token);
    const key = `notification-inbox|${this.api}|${iss}|${sub}`;
    if (key === this.#key && this.#link) return;
    this.#stop();
    this.#key = key;
    this.#resetList();
    this.#loaded = false; this.#prefs = null;
    this.#refreshCounts();
    this.#link = new LiveLink(this, key);
    if (this.#open) this.#reload();
    if (this.categories.length) this.#loadNames();
  }

  async #refreshCounts() {
    const version = this.#countsVersion;
    try {
      const counts = await this.call('/notifications/unread-count');
      if (version === this.#countsVersion) this.#setCounts(counts);   // a stream event since is newer than this answer
    } catch (e) { this.#fail(e); }
  }

  #setCounts(counts) {
    this.#countsVersion++;
    const changed = counts.unread !== this.#counts.unread;
    this.#counts = counts;
    this.#renderBell();
    if (changed) this.#emit('unread-count-change', { ...counts });
  }

  /** A stream event, from this tab's EventSource or relayed by the leader tab. */
  live({ kind, data }) {
    if (kind === 'counts') this.#setCounts(data);
    else if (kind === 'reset') { this.#refreshCounts(); if (this.#loaded) this.#reload(); }
    else if (kind === 'notification.created') this.#created(data);
    else if (kind === 'notification.updated') this.#updated(data);
  }

  #created(item) {
    if (this.#known.has(item.id)) return;
    this.#known.add(item.id);
    if (this.#loaded && this.#matches(item)) { this.#items.set(item.id, item); this.#renderFeed(); }
    this.ui.live.textContent = '';
    this.ui.live.textContent = this.#say('received', { t: item.title || item.body || '' });
    this.#emit('notification-received', { notification: item });
  }

  #updated({ change, ids = [], at, item: revised }) {
    let touched = false;
    for (const id of ids || []) {
      const item = this.#items.get(id);
      if (!item) continue;
      touched = true;
      // A live digest's item says more (its count and text), and is unread again.
      if (change === 'revised' && revised) this.#items.set(id, revised);
      else if (change === 'read') item.readAt ??= at;
      else if (change === 'unread') item.readAt = null;
      else if (change === 'seen') item.seenAt ??= at;
      else if (change === 'archived' || change === 'deleted' || change === 'expired') this.#items.delete(id);
    }
    if (touched) this.#renderFeed();
  }

  #matches(item) { return (!this.#tab || item.category === this.#tab) && (this.#filter === 'all' || !item.readAt); }

  // ---- the feed --------------------------------------------------------------------------------------------------

  /** Forgets the loaded pages; an answer to a request made before this is dropped. */
  #resetList() {
    this.#listGen++;
    this.#items.clear(); this.#cursor = null; this.#done = false; this.#loading = false; this.#error = null;
  }

  #reload() {
    // A keyboard user in the list stays in the popover while it refetches and lands back on their row (the stream's
    // first open resets, and it may open after the popover did): the heading holds the focus until the rows are back.
    if (this.#open && this.shadowRoot.activeElement?.closest?.('li')) { this.#focusItem = true; this.ui.heading.focus(); }
    this.#resetList();
    this.#loaded = true;
    this.#renderFeed();
    this.#more();
  }

  async #more() {
    if (this.#loading || this.#done || !this.#key) return;
    this.#loading = true;
    const gen = this.#listGen;
    this.#renderStatus();
    try {
      const q = new URLSearchParams({ limit: this.getAttribute('page-size') || '20', status: this.#filter });
      if (this.#tab) q.set('category', this.#tab);
      if (this.#cursor) q.set('cursor', this.#cursor);
      const page = await this.call(`/notifications?${q}`);
      if (gen !== this.#listGen) return;
      for (const item of page.items) { this.#items.set(item.id, item); this.#known.add(item.id); }
      this.#cursor = page.nextCursor;
      this.#done = !page.nextCursor;
      this.#error = null;
    } catch (e) {
      if (gen !== this.#listGen) return;
      this.#error = e;
      this.#fail(e);
    } finally {
      if (gen === this.#listGen) this.#loading = false;
    }
    this.#renderFeed();
    if (!this.#done && !this.#error && this.#open && this.ui.scroll.scrollHeight <= this.ui.scroll.clientHeight) this.#more();   // fill the view
  }

  /** Rows: items sharing a thread key collapse into their newest one, with the count of those loaded. */
  #rows() {
    const rows = [], byThread = new Map();
    for (const item of [...this.#items.values()].sort(newer)) {
      const row = item.thread && byThread.get(item.thread);
      if (row) { row.items.push(item); continue; }
      const fresh = { id: item.id, head: item, items: [item] };
      if (item.thread) byThread.set(item.thread, fresh);
      rows.push(fresh);
    }
    return rows;
  }

  async #read(row) {
    const ids = row.items.filter(i => !i.readAt).map(i => i.id);
    if (!ids.length) return;
    const now = new Date().toISOString();
    for (const i of row.items) i.readAt ??= now;
    this.#renderFeed();
    try {
      if (ids.length === 1) await this.call(`/notifications/${ids[0]}/read`, { method: 'POST' });
      else await this.call('/notifications/read', { method: 'POST', body: { ids } });
    } catch (e) { this.#fail(e); }
  }

  async #toggleRead(row) {
    if (row.items.some(i => !i.readAt)) return this.#read(row);
    for (const i of row.items) i.readAt = null;
    this.#renderFeed();
    try { await this.call('/notifications/unread', { method: 'POST', body: { ids: row.items.map(i => i.id) } }); } catch (e) { this.#fail(e); }
  }

  async #archive(row) {
    for (const i of row.items) this.#items.delete(i.id);
    this.#active = null;
    this.#renderFeed();
    this.ui.list.querySelector('li')?.focus();
    try { await this.call('/notifications/archive', { method: 'POST', body: { ids: row.items.map(i => i.id) } }); } catch (e) { this.#fail(e); }
  }

  async #markAll() {
    const now = new Date().toISOString();
    for (const i of this.#items.values()) i.readAt ??= now;
    this.#renderFeed();
    try { await this.call('/notifications/mark-all-read', { method: 'POST', body: this.#tab ? { category: this.#tab } : {} }); } catch (e) { this.#fail(e); }
  }

  /** Opening a row reads it; following its link (or an action button) is a click: recorded, announced, then followed. */
  #follow(row, index) {
    const item = row.head;
    this.#read(row);
    const action = index == null ? null : { index, ...item.actions[index] };
    const url = safeUrl(action ? action.url : item.actionUrl);
    if (!url) return;
    this.call(`/notifications/${item.id}/click`, { method: 'POST', body: index == null ? {} : { action: index }, keepalive: true })
      .catch(e => this.#fail(e));
    if (this.#emit('notification-click', { notification: item, action, url }, true)) location.assign(url);
  }

  // ---- open, close, keyboard -------------------------------------------------------------------------------------

  toggle(open = !this.#open) {
    if (open === this.#open) return;
    this.#open = open;
    this.ui.bell.setAttribute('aria-expanded', String(open));
    this.ui.pop.hidden = !open;
    if (open) {
      this.#place();
      this.#view = 'feed';
      this.#renderView();
      if (!this.#loaded) this.#reload(); else this.#renderFeed();
      this.#focusItem = true;   // the first item once it is there (keyboard users land in the list), the heading until then
      requestAnimationFrame(() => this.#focusList());
      this.times = setInterval(() => this.#renderTimes(), 60000);
      this.#emit('inbox-open', {});
    } else {
      clearInterval(this.times);
      this.ui.bell.focus();
      this.#emit('inbox-close', {});
    }
  }

  #focusList() {
    const li = this.ui.list.querySelector('li[tabindex="0"]');
    const here = this.shadowRoot.activeElement, outside = !here || !this.ui.pop.contains(here);
    if (li && (outside || here === this.ui.heading)) { this.#focusItem = false; li.focus(); }
    else if (!li && outside) this.ui.heading.focus();
  }

  /** Narrow screens: the popover spans the viewport under the bell (position: fixed), so it never scrolls the page sideways. */
  #place() {
    const narrow = innerWidth <= 480;
    this.ui.pop.classList.toggle('narrow', narrow);
    if (narrow) this.ui.pop.style.top = `${Math.max(8, Math.min(this.getBoundingClientRect().bottom + 6, innerHeight - 200))}px`;
    else this.ui.pop.style.removeProperty('top');
  }

  #keydown(e) {
    if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); this.toggle(false); return; }
    if (e.key === 'Tab') {   // focus stays in the popover while it is open
      const all = [...this.ui.pop.querySelectorAll('button,input,select,li')].filter(n => !n.disabled && n.tabIndex >= 0 && n.getClientRects().length);
      const at = all.indexOf(this.shadowRoot.activeElement);
      const next = e.shiftKey ? (at <= 0 ? all.length - 1 : at - 1) : (at === all.length - 1 ? 0 : at + 1);
      e.preventDefault();
      all[next]?.focus();
      return;
    }
    const li = e.target.closest?.('li');
    if (!li || e.target !== li) return;
    const items = [...this.ui.list.children];
    const at = items.indexOf(li);
    const go = i => { const n = items[Math.max(0, Math.min(items.length - 1, i))]; n?.focus(); };
    if (e.key === 'ArrowDown') { e.preventDefault(); if (at === items.length - 1) this.#more(); go(at + 1); }
    else if (e.key === 'ArrowUp') { e.preventDefault(); go(at - 1); }
    else if (e.key === 'Home') { e.preventDefault(); go(0); }
    else if (e.key === 'End') { e.preventDefault(); go(items.length - 1); }
    else if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); li.click(); }
  }

  #tabKeys(e) {
    const tabs = [...this.ui.tabs.children];
    const at = tabs.indexOf(e.target);
    const back = getComputedStyle(this.ui.root).direction === 'rtl' ? 'ArrowRight' : 'ArrowLeft';
    const step = e.key === back ? -1 : e.key === (back === 'ArrowLeft' ? 'ArrowRight' : 'ArrowLeft') ? 1 : 0;
    if (!step) return;
    e.preventDefault();
    const next = tabs[(at + step + tabs.length) % tabs.length];
    next.focus();
    next.click();
  }

  // ---- rendering -------------------------------------------------------------------------------------------------

  #render() {
    const t = this.#t, lang = this.locale;
    const root = this.shadowRoot;
    if (!this.ui.root) {
      this.ui.bell = el('button', { class: 'bell', part: 'bell', type: 'button', 'aria-haspopup': 'dialog', 'aria-expanded': 'false',
        'aria-controls': 'pop', onclick: () => this.toggle() }, icon('bell', 22));
      this.ui.badge = el('span', { class: 'badge', part: 'badge', 'aria-hidden': 'true', hidden: true });
      this.ui.bell.append(this.ui.badge);
      this.ui.live = el('div', { class: 'sr', role: 'status', 'aria-live': 'polite', part: 'live' });
      this.ui.heading = el('h2', { id: 'heading', tabindex: '-1' });
      this.ui.markAll = el('button', { class: 'text', type: 'button', part: 'mark-all', onclick: () => this.#markAll() });
      this.ui.gear = el('button', { class: 'icon', type: 'button', part: 'preferences-button', onclick: () => this.#showPrefs() }, icon('gear'));
      this.ui.backBtn = el('button', { class: 'icon', type: 'button', onclick: () => this.#showFeed() }, icon('back'));
      this.ui.closeBtn = el('button', { class: 'icon', type: 'button', onclick: () => this.toggle(false) }, icon('close'));
      this.ui.tabs = el('div', { class: 'tabs', role: 'tablist', part: 'tabs', onkeydown: e => this.#tabKeys(e) });
      this.ui.chipUnread = el('button', { class: 'chip', type: 'button', onclick: () => this.#setFilter('unread') });
      this.ui.chipAll = el('button', { class: 'chip', type: 'button', onclick: () => this.#setFilter('all') });
      this.ui.filter = el('div', { class: 'filter', role: 'group', part: 'filter' }, this.ui.chipAll, this.ui.chipUnread);
      this.ui.list = el('ul', { part: 'feed' });
      this.ui.status = el('div', { class: 'status', part: 'status' });
      this.ui.alert = el('div', { class: 'alert', role: 'alert', part: 'error', hidden: true });
      this.ui.sentinel = el('div', { 'aria-hidden': 'true' });
      this.ui.scroll = el('div', { class: 'scroll' }, this.ui.alert, this.ui.list, this.ui.status, this.ui.sentinel);
      this.ui.panel = el('div', { id: 'panel', role: 'tabpanel', class: 'panel', part: 'panel' }, this.ui.filter, this.ui.scroll);
      this.ui.prefs = el('div', { class: 'prefs', part: 'preferences', hidden: true });
      this.ui.pop = el('div', { id: 'pop', class: 'pop', part: 'popover', role: 'dialog', 'aria-labelledby': 'heading', hidden: true,
        onkeydown: e => this.#keydown(e) },
      el('div', { class: 'head', part: 'header' }, this.ui.backBtn, this.ui.heading, this.ui.markAll, this.ui.gear, this.ui.closeBtn),
      this.ui.tabs, this.ui.panel, this.ui.prefs);
      this.ui.root = el('div', { class: 'root' }, this.ui.bell, this.ui.live, this.ui.pop);
      root.append(this.ui.root);
      new IntersectionObserver(entries => { if (entries.some(e => e.isIntersecting) && this.#open && this.#loaded) this.#more(); },
        { root: this.ui.scroll, rootMargin: '120px' }).observe(this.ui.sentinel);
      addEventListener('resize', () => { if (this.#open) this.#place(); });
    }
    this.ui.root.lang = lang;
    this.ui.root.dir = RTL.includes(lang.toLowerCase().split('-')[0]) ? 'rtl' : 'ltr';
    this.ui.markAll.textContent = t.markAll;
    this.ui.gear.setAttribute('aria-label', t.prefs);
    this.ui.backBtn.setAttribute('aria-label', t.back);
    this.ui.closeBtn.setAttribute('aria-label', t.close);
    this.ui.filter.setAttribute('aria-label', t.show);
    this.ui.tabs.setAttribute('aria-label', t.tabs);
    this.ui.chipUnread.textContent = t.unread;
    this.ui.chipAll.textContent = t.all;
    this.#renderTabs();
    this.#renderView();
    this.#renderBell();
    this.#renderFeed();
  }

  #renderView() {
    const prefs = this.#view === 'prefs';
    this.ui.heading.textContent = prefs ? this.#t.prefs : this.#t.title;
    this.ui.prefs.hidden = !prefs;
    this.ui.panel.hidden = prefs;
    this.ui.tabs.hidden = prefs || !this.categories.length;
    this.ui.markAll.hidden = prefs;
    this.ui.gear.hidden = prefs;
    this.ui.backBtn.hidden = !prefs;
  }

  #renderBell() {
    if (!this.ui.bell) return;
    const n = this.#counts.unread, fmt = new Intl.NumberFormat(this.locale);
    this.setAttribute('unread-count', String(n));
    if (this.#fatal) {   // the bell says it cannot work rather than "0 unread"
      this.ui.bell.setAttribute('aria-label', `${this.#t.bellError}: ${this.#t[this.#fatal.code]}`);
      this.ui.badge.hidden = false;
      this.ui.badge.textContent = '!';
      return;
    }
    this.ui.bell.setAttribute('aria-label', this.#say('bell', { n: fmt.format(n) }));
    this.ui.badge.hidden = n === 0;
    this.ui.badge.textContent = n > 99 ? `${fmt.format(99)}+` : fmt.format(n);
  }

  #renderTabs() {
    const tabs = [['', this.#t.all], ...this.categories.map(c => [c, this.#names[c] || c])];
    this.ui.tabs.replaceChildren(...tabs.map(([key, label]) => el('button', {
      class: 'tab', role: 'tab', type: 'button', part: 'tab', id: `tab-${key || 'all'}`, 'aria-controls': 'panel',
      'aria-selected': String(key === this.#tab), tabindex: key === this.#tab ? '0' : '-1', text: label,
      onclick: () => { if (this.#tab !== key) { this.#tab = key; this.#renderTabs(); this.#reload(); } },
    })));
    if (this.categories.length) this.ui.panel.setAttribute('aria-labelledby', `tab-${this.#tab || 'all'}`);
    else this.ui.panel.removeAttribute('aria-labelledby');
    this.ui.panel.setAttribute('role', this.categories.length ? 'tabpanel' : 'region');
    if (!this.categories.length) this.ui.panel.setAttribute('aria-label', this.#t.title);
    else this.ui.panel.removeAttribute('aria-label');
  }

  async #loadNames() {
    try {
      const view = await this.call('/preferences');
      for (const c of view.tenantCategories || []) this.#names[c.key] = c.name;
      this.#renderTabs();
    } catch { /* the keys stay as labels */ }
  }

  #setFilter(filter) {
    if (filter === this.#filter) return;
    this.#filter = filter;
    this.#reload();
  }

  #renderStatus() {
    if (!this.ui.status) return;
    const t = this.#t;
    const empty = this.ui.list.children.length === 0;
    this.ui.alert.textContent = this.#fatal ? t[this.#fatal.code] : '';
    this.ui.alert.hidden = !this.#fatal;
    this.ui.status.textContent = this.#fatal ? '' : this.#loading ? t.loading : this.#error ? t.failed : empty && this.#loaded ? t.empty : '';
    this.ui.status.hidden = !this.ui.status.textContent;
  }

  #renderFeed() {
    if (!this.ui.list) return;
    this.ui.chipUnread.setAttribute('aria-pressed', String(this.#filter === 'unread'));
    this.ui.chipAll.setAttribute('aria-pressed', String(this.#filter === 'all'));
    const focused = this.shadowRoot.activeElement?.closest?.('li')?.dataset.id;
    const rows = this.#rows();
    if (rows.length && !rows.some(r => r.id === this.#active)) this.#active = rows[0].id;   // kept while a refetch is under way
    this.ui.list.replaceChildren(...rows.map(row => this.#row(row)));
    if (focused) this.ui.list.querySelector(`li[data-id="${focused}"]`)?.focus();
    else if (this.#focusItem && this.#open && this.#view === 'feed' && rows.length) this.#focusList();
    this.#renderStatus();
  }

  #row(row) {
    const t = this.#t, item = row.head, unread = row.items.some(i => !i.readAt), active = row.id === this.#active;
    const tab = active ? '0' : '-1';
    const title = el('p', { class: 't', part: 'title' }, item.title || '');
    if (unread) title.prepend(el('span', { class: 'sr', text: `${t.isUnread}: ` }));
    const meta = el('div', { class: 'meta' }, this.#time(item.createdAt),
      row.items.length > 1 ? el('span', { part: 'thread-count', text: this.#say('thread', { n: row.items.length }) }) : null);
    const actions = (item.actions || []).slice(0, 2).map((a, i) => el('button', {
      class: 'act', type: 'button', part: 'action', tabindex: tab, text: a.label,
      onclick: e => { e.stopPropagation(); this.#follow(row, i); },
    }));
    const tools = el('div', { class: 'tools' },
      el('button', { class: 'icon', type: 'button', part: 'read-toggle', tabindex: tab, 'aria-label': unread ? t.markRead : t.markUnread,
        onclick: e => { e.stopPropagation(); this.#toggleRead(row); } }, icon(unread ? 'check' : 'dot', 18)),
      el('button', { class: 'icon', type: 'button', part: 'archive', tabindex: tab, 'aria-label': t.archive,
        onclick: e => { e.stopPropagation(); this.#archive(row); } }, icon('archive', 18)));
    const li = el('li', { class: unread ? 'unread' : null, part: unread ? 'item item-unread' : 'item', tabindex: tab, 'data-id': row.id,
      onclick: () => this.#follow(row, null),
      onfocus: () => { if (this.#active !== row.id) { this.#active = row.id; this.#roving(); } } },
    el('span', { class: 'dot', 'aria-hidden': 'true' }),
    el('div', { class: 'main' }, title, item.body ? el('p', { class: 'b', part: 'body', text: item.body }) : null, meta,
      actions.length ? el('div', { class: 'acts' }, ...actions) : null),
    tools);
    return li;
  }

  /** Only the active row and its buttons are in the tab order; arrow keys move between rows. */
  #roving() {
    for (const li of this.ui.list.children) {
      const tab = li.dataset.id === this.#active ? '0' : '-1';
      li.tabIndex = Number(tab);
      for (const b of li.querySelectorAll('button')) b.tabIndex = Number(tab);
    }
  }

  #time(iso) {
    const node = el('time', { datetime: iso, title: new Date(iso).toLocaleString(this.locale) });
    node.textContent = this.#relative(iso);
    return node;
  }

  #relative(iso) {
    const s = (new Date(iso).getTime() - Date.now()) / 1000;
    const rtf = new Intl.RelativeTimeFormat(this.locale, { numeric: 'auto' });
    for (const [unit, size] of [['year', 31536000], ['month', 2592000], ['week', 604800], ['day', 86400], ['hour', 3600], ['minute', 60]])
      if (Math.abs(s) >= size) return rtf.format(Math.round(s / size), unit);
    return rtf.format(0, 'second');
  }

  #renderTimes() { for (const node of this.ui.list.querySelectorAll('time')) node.textContent = this.#relative(node.dateTime); }

  // ---- preferences -----------------------------------------------------------------------------------------------

  async #showPrefs() {
    this.#view = 'prefs';
    this.#renderView();
    this.ui.prefs.replaceChildren(el('p', { class: 'status', text: this.#t.loading }));
    this.ui.heading.focus();
    try {
      this.#prefs = await this.call('/preferences');
      this.#renderPrefs();
    } catch (e) {
      this.ui.prefs.replaceChildren(el('p', { class: 'status', text: this.#t.failed }));
      this.#fail(e);
    }
  }

  #showFeed() {
    this.#view = 'feed';
    this.#renderView();
    this.#renderFeed();
    this.ui.gear.focus();
  }

  /** Saves a change; the form stays as the user left it (and keeps focus) unless the service refused it. */
  async #patch(body, note) {
    const say = text => { const n = this.ui.prefs.querySelector(`.note[data-for="${note}"]`); if (n) n.textContent = text; };
    say('');
    try {
      this.#prefs = await this.call('/preferences', { method: 'PATCH', body });
      say(this.#t.saved);
    } catch (e) {
      this.#fail(e);
      this.#renderPrefs();
      say(e.message);
    }
  }

  #renderPrefs() {
    const t = this.#t, p = this.#prefs, effective = p.effective || {};
    const cats = p.tenantCategories || [];
    const channels = this.getAttribute('channels')?.split(',').map(s => s.trim()).filter(Boolean)
      || Object.keys(Object.values(effective)[0] || { in_app: 1, email: 1, push: 1, sms: 1, whatsapp: 1, chat: 1 });
    const rows = cats.length ? cats : [{ key: '', name: t.everything, required: false }];
    const checkbox = (cat, ch) => {
      const on = cat.key ? effective[cat.key]?.[ch] ?? true : p.channels?.[ch] ?? true;
      return el('input', {
        type: 'checkbox', checked: on, disabled: cat.required, 'aria-label': `${cat.name}: ${t.ch[ch] || ch}`,
        onchange: e => this.#patch(cat.key ? { categories: { [cat.key]: { [ch]: e.target.checked } } } : { channels: { [ch]: e.target.checked } }, 'channels'),
      });
    };
    const table = el('table', { part: 'preferences-table' },
      el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: t.category }), ...channels.map(ch => el('th', { scope: 'col', text: t.ch[ch] || ch })))),
      el('tbody', {}, ...rows.map(cat => el('tr', {},
        el('th', { scope: 'row' }, cat.name, cat.required ? el('span', { class: 'lock', text: t.required }) : null),
        ...channels.map(ch => el('td', {}, checkbox(cat, ch)))))));

    const q = p.quietHours, w = q?.windows?.[0];
    const zone = el('input', { type: 'text', id: 'qzone', value: q?.timeZone || Intl.DateTimeFormat().resolvedOptions().timeZone, size: '16' });
    const start = el('input', { type: 'time', id: 'qfrom', value: w?.start?.slice(0, 5) || '22:00' });
    const end = el('input', { type: 'time', id: 'qto', value: w?.end?.slice(0, 5) || '07:00' });
    const enabled = el('input', { type: 'checkbox', id: 'qon', checked: !!w });
    const weekday = new Intl.DateTimeFormat(this.locale, { weekday: 'short', timeZone: 'UTC' });
    const days = DAYS.map((d, i) => el('label', {}, el('input', { type: 'checkbox', value: d, checked: w ? w.days?.includes(d) : true }),
      weekday.format(new Date(Date.UTC(2024, 0, 1 + i)))));
    const save = () => {
      const chosen = days.map(l => l.firstChild).filter(c => c.checked).map(c => c.value);
      const quietHours = enabled.checked
        ? { timeZone: zone.value.trim(), windows: [{ days: chosen, start: start.value, end: end.value }, ...(q?.windows?.slice(1) || [])], behaviour: q?.behaviour }
        : null;
      this.#patch({ quietHours }, 'quiet');
    };
    this.ui.prefs.replaceChildren(
      el('h3', { text: t.prefs }), table, el('p', { class: 'note', role: 'status', 'data-for': 'channels' }),
      ...this.#digestRows(cats),
      el('h3', { text: t.quiet }),
      el('div', { class: 'row' }, el('label', { for: 'qon' }, enabled, t.quietOn)),
      el('div', { class: 'row' }, el('label', { for: 'qfrom' }, t.from), start, el('label', { for: 'qto' }, t.to), end),
      el('fieldset', {}, el('legend', { text: t.days }), el('div', { class: 'row' }, ...days)),
      el('div', { class: 'row' }, el('label', { for: 'qzone' }, t.zone), zone),
      el('div', { class: 'row' }, el('button', { class: 'save', type: 'button', part: 'save', text: t.save, onclick: save }),
        el('span', { class: 'note', role: 'status', 'data-for': 'quiet' })));
  }

  /** Per category, how often its digests come (for the app's digest steps that follow the user's schedule): a choice
   *  saves at once; "as the app sends them" removes it. Nothing without tenant categories. */
  #digestRows(cats) {
    const t = this.#t, chosen = this.#prefs.digests || {};
    if (!cats.length) return [];
    const weekday = new Intl.DateTimeFormat(this.locale, { weekday: 'long', timeZone: 'UTC' });
    const rows = cats.map((cat, n) => {
      const c = chosen[cat.key];
      const how = el('select', { id: `dg${n}`, 'aria-label': `${cat.name}: ${t.digestHow}` },
        ...['', 'immediate', 'hourly', 'daily', 'weekly'].map(k => el('option', { value: k, text: k ? t[k] : t.digestApp, selected: (c?.cadence || '') === k })));
      const day = el('select', { 'aria-label': `${cat.name}: ${t.day}` },
        ...DAYS.map((d, i) => el('option', { value: d, text: weekday.format(new Date(Date.UTC(2024, 0, 1 + i))), selected: (c?.day || 'mon') === d })));
      const at = el('input', { type: 'time', 'aria-label': `${cat.name}: ${t.at}`, value: c?.at || '09:00' });
      const shown = () => { day.hidden = how.value !== 'weekly'; at.hidden = !['daily', 'weekly'].includes(how.value); };
      const save = () => {
        shown();
        const k = how.value;
        const cadence = !k ? null : { cadence: k, ...(k === 'daily' || k === 'weekly' ? { at: at.value } : {}), ...(k === 'weekly' ? { day: day.value } : {}) };
        this.#patch({ digests: { [cat.key]: cadence } }, 'digests');
      };
      for (const input of [how, day, at]) input.addEventListener('change', save);
      shown();
      return el('div', { class: 'row', part: 'digest-row' }, el('label', { for: `dg${n}`, text: cat.name }), how, day, at);
    });
    return [el('h3', { text: t.digests }), ...rows, el('p', { class: 'note', role: 'status', 'data-for': 'digests' })];
  }
}

if (!customElements.get('notification-inbox')) customElements.define('notification-inbox', NotificationInbox);
