// The points map on /map: organisations that gave their location, drawn with Leaflet and
// grouped with Leaflet.markercluster. A progressive enhancement: the section stays hidden
// unless this script, Leaflet and the data all load, and the hex map and table above it
// work without any of them.
//
// No map tiles are loaded from anywhere: the points sit on a plain background. The data
// comes from the open data API (/api/v1/organisations.geojson), so nothing is inline.
(function () {
  'use strict'

  var section = document.querySelector('[data-points-map]')
  if (!section || typeof window.L === 'undefined' || typeof window.fetch !== 'function') {
    return
  }
  var L = window.L
  var container = section.querySelector('.mir-points__map')
  var source = section.getAttribute('data-geojson')
  if (!container || !source) {
    return
  }

  function popup (properties) {
    // Built with DOM methods: names come from the data, never parsed as HTML.
    var wrapper = document.createElement('div')
    var link = document.createElement('a')
    link.className = 'govuk-link'
    link.href = properties.url
    link.textContent = properties.name
    var kind = document.createElement('p')
    kind.className = 'govuk-body-s'
    kind.textContent = properties.kind_label
    wrapper.appendChild(link)
    wrapper.appendChild(kind)
    return wrapper
  }

  function clusterIcon (cluster) {
    var count = cluster.getChildCount()
    var size = count < 10 ? 32 : count < 100 ? 40 : 48
    return L.divIcon({
      className: 'mir-points__cluster',
      iconSize: L.point(size, size),
      html: '<span class="govuk-visually-hidden">A group of </span>' + String(count) +
        '<span class="govuk-visually-hidden"> organisations. Select to zoom in.</span>'
    })
  }

  function draw (data) {
    var features = (data && data.features) || []
    if (features.length === 0) {
      return
    }
    section.hidden = false
    var map = L.map(container, { scrollWheelZoom: false, zoomSnap: 0.5, minZoom: 4, maxZoom: 16 })
    map.attributionControl.setPrefix('Leaflet')
    map.attributionControl.addAttribution('Organisations: Making It Real toolkit, CC BY 4.0')
    var group = L.markerClusterGroup
      ? L.markerClusterGroup({ iconCreateFunction: clusterIcon, showCoverageOnHover: false })
      : L.featureGroup()
    L.geoJSON(data, {
      pointToLayer: function (feature, latlng) {
        var name = feature.properties.name
        return L.marker(latlng, { alt: name, title: name, keyboard: true })
      },
      onEachFeature: function (feature, layer) {
        layer.bindPopup(popup(feature.properties))
      }
    }).eachLayer(function (layer) { group.addLayer(layer) })
    group.addTo(map)
    map.fitBounds(group.getBounds(), { padding: [24, 24], maxZoom: 12 })
  }

  window.fetch(source, { headers: { Accept: 'application/geo+json' }, credentials: 'omit' })
    .then(function (response) {
      if (!response.ok) {
        throw new Error('points map: ' + response.status)
      }
      return response.json()
    })
    .then(draw)
    .catch(function (error) {
      // The section stays hidden; everything it shows is in the directory too.
      if (window.console) {
        window.console.warn(error)
      }
    })
})()
