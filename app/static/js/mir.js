// Site script (an ES module): <script type="module" src="/static/js/mir.js"></script>
//
// - starts GOV.UK Frontend's components (needs init.js to have run first);
// - sends the CSRF token from <meta name="csrf-token" content="..."> as the
//   X-CSRF-Token header on every non-GET htmx request;
// - starts GOV.UK Frontend components inside content that htmx swaps in;
// - warns before leaving a page with unsaved words in a form (data-mir-unsaved);
// - opens a <details> that a link on the page points into.
import { initAll } from '/static/dist/govuk-frontend.min.js'

function reportError (error) {
  // A component already started (data-<module>-init set) is not a fault when
  // re-scanning swapped content; anything else is worth logging.
  if (error && error.name === 'InitError') {
    return
  }
  console.error(error)
}

initAll({ onError: reportError })

function csrfToken () {
  const meta = document.querySelector('meta[name="csrf-token"]')
  return meta ? meta.getAttribute('content') || '' : ''
}

// htmx events bubble to document, so these listeners work whether htmx loaded
// before or after this module.
document.addEventListener('htmx:configRequest', (event) => {
  const detail = event.detail
  if (!detail || !detail.headers) {
    return
  }
  const verb = String(detail.verb || 'get').toLowerCase()
  if (verb === 'get') {
    return
  }
  const token = csrfToken()
  if (token) {
    detail.headers['X-CSRF-Token'] = token
  }
})

// htmx:load fires on each new element htmx adds to the page (and once on
// <body> at start-up, which initAll() above has already covered). initAll's
// scope only searches inside an element, so use the parent: that way an
// element that is itself a component (data-module="...") is started too.
document.addEventListener('htmx:load', (event) => {
  const element = event.target
  if (!(element instanceof Element) || element === document.body || element === document.documentElement) {
    return
  }
  initAll({ scope: element.parentElement || element, onError: reportError })
})

if (window.htmx && window.htmx.config) {
  // Our Content-Security-Policy forbids inline styles: the indicator styles
  // are in mir.css instead. (Set it in <meta name="htmx-config"> too, as htmx
  // reads that before this module runs.)
  window.htmx.config.includeIndicatorStyles = false
}

// Council-area pickers: a plain <select> works without JavaScript; with it,
// accessible-autocomplete (loaded on pages that have one) lets people type.
function enhanceAreaSelects (scope) {
  if (!window.accessibleAutocomplete) {
    return
  }
  scope.querySelectorAll('select[data-mir-autocomplete]').forEach((select) => {
    if (select.dataset.mirEnhanced) {
      return
    }
    select.dataset.mirEnhanced = 'true'
    const describedBy = select.getAttribute('aria-describedby') || ''
    const id = select.id
    window.accessibleAutocomplete.enhanceSelectElement({
      selectElement: select,
      defaultValue: '',
      showAllValues: true,
      dropdownArrow: () => '',
      tNoResults: () => 'No council area matches that'
    })
    keepDescriptions(id, describedBy)
  })
}

// The autocomplete's input replaces the <select>, and only points at its own hint:
// keep the page's hint and error message described too, whenever it re-renders.
function keepDescriptions (id, describedBy) {
  const input = document.getElementById(id)
  if (!input || !describedBy) {
    return
  }
  const add = () => {
    const current = (input.getAttribute('aria-describedby') || '').split(' ').filter(Boolean)
    const wanted = describedBy.split(' ').filter(Boolean)
    const merged = Array.from(new Set([...wanted, ...current]))
    if (merged.join(' ') !== current.join(' ')) {
      input.setAttribute('aria-describedby', merged.join(' '))
    }
  }
  add()
  new MutationObserver(add).observe(input, { attributes: true, attributeFilter: ['aria-describedby'] })
}

enhanceAreaSelects(document)
document.addEventListener('htmx:load', (event) => {
  if (event.target instanceof Element) {
    enhanceAreaSelects(event.target)
  }
})

// Forms marked data-mir-unsaved: before leaving the page (a link, "Next marker", adding
// evidence) with words typed and not yet saved, the browser asks whether to leave.
function unsavedForm (target) {
  return target instanceof Element ? target.closest('form[data-mir-unsaved]') : null
}
function markUnsaved (event) {
  const form = unsavedForm(event.target)
  if (form) {
    form.dataset.mirChanged = 'true'
  }
}
document.addEventListener('input', markUnsaved)
document.addEventListener('change', markUnsaved)
document.addEventListener('submit', (event) => {
  const form = unsavedForm(event.target)
  if (form) {
    delete form.dataset.mirChanged
  }
}, true)
// A box that matters for one choice only (data-mir-reason-for="<level>"): shown without
// JavaScript; with it, hidden until that choice is made. The `hidden` attribute, not
// aria-controls, which axe reports on GOV.UK's conditional reveal.
function showReasons (root) {
  root.querySelectorAll('[data-mir-reason-for]').forEach((box) => {
    const form = box.closest('form')
    const chosen = form ? form.querySelector('input[name="level"]:checked') : null
    box.hidden = !chosen || chosen.value !== box.dataset.mirReasonFor
  })
}
showReasons(document)
document.addEventListener('change', (event) => {
  if (event.target instanceof HTMLInputElement && event.target.name === 'level') {
    showReasons(document)
  }
})
document.addEventListener('htmx:load', () => showReasons(document))

// "Add note" and the like share the rating form but post to another address as a plain
// form, so the whole page comes back: keep htmx (listening on the form) out of it.
document.addEventListener('submit', (event) => {
  if (event.submitter && event.submitter.hasAttribute('data-mir-full-submit')) {
    event.stopPropagation()
  }
}, true)
window.addEventListener('beforeunload', (event) => {
  if (document.querySelector('form[data-mir-unsaved][data-mir-changed]')) {
    event.preventDefault()
    event.returnValue = ''
  }
})

// A link to a section folded in <details> ("Words changed" on the compare page) opens it.
function openLinkedDetails () {
  const id = decodeURIComponent(window.location.hash.slice(1))
  const target = id ? document.getElementById(id) : null
  const details = target ? target.closest('details') : null
  if (details) {
    details.open = true
  }
}
window.addEventListener('hashchange', openLinkedDetails)
openLinkedDetails()
