/* Passend voorzieningenkaart: the map beside the list (progressive enhancement).
   The list works without this script; the map shows the same search through /kaart.geojson. */
(function () {
  'use strict';
  var el = document.getElementById('kaart-map');
  if (!el || !window.L) return;

  var button = document.getElementById('gebruik-locatie');
  var form = document.getElementById('kaart-zoeken');
  if (button && form && navigator.geolocation) {
    button.hidden = false;
    button.addEventListener('click', function () {
      navigator.geolocation.getCurrentPosition(function (pos) {
        ['lat', 'lon'].forEach(function (name) {
          var old = form.querySelector('input[type="hidden"][name="' + name + '"]');
          if (old) old.remove();
        });
        var add = function (name, value) {
          var input = document.createElement('input');
          input.type = 'hidden';
          input.name = name;
          input.value = value.toFixed(5);
          form.appendChild(input);
        };
        add('lat', pos.coords.latitude);
        add('lon', pos.coords.longitude);
        var postcode = document.getElementById('postcode');
        if (postcode) postcode.value = '';
        form.submit();
      }, function () {
        var note = document.getElementById('locatie-melding');
        if (!note) {
          note = document.createElement('p');
          note.id = 'locatie-melding';
          note.setAttribute('role', 'alert');
          note.className = 'passend-field-error';
          button.insertAdjacentElement('afterend', note);
        }
        note.textContent = el.getAttribute('data-location-failed');
        var postcode = document.getElementById('postcode');
        if (postcode) postcode.focus();
      });
    });
  }

  // The map is made in a task of its own, after the script itself has run: two shorter tasks
  // keep a slow phone responsive while the page loads.
  setTimeout(start, 0);

  function start() {
    el.hidden = false;
    // Markers and clusters are for pointing devices; keyboard and screen-reader users have the
    // list, which holds exactly the same places with the same links.
    L.Marker.prototype.options.keyboard = false;
    var map = L.map(el, { scrollWheelZoom: false, zoomControl: false });
    L.control.zoom({ zoomInTitle: el.getAttribute('data-zoom-in'), zoomOutTitle: el.getAttribute('data-zoom-out') }).addTo(map);
    var legend = document.getElementById('kaart-legenda');
    if (legend) legend.hidden = false;
    var tiles = L.tileLayer(el.getAttribute('data-tiles'), { maxZoom: 19 });
    tiles.getAttribution = function () {
      var span = document.createElement('span');
      span.textContent = el.getAttribute('data-attribution') || '';
      return span.innerHTML;
    };
    // When the background cannot be loaded (the server answers 204 for a tile server it cannot
    // reach), the map folds away quietly: the list above holds the same results.
    var gone = false;
    var loaded = 0;
    var failed = 0;
    tiles.on('tileload', function () { loaded += 1; });
    tiles.on('tileerror', function () { failed += 1; });
    tiles.on('load', function () {
      if (gone || loaded > 0 || failed === 0) return;
      gone = true;
      el.hidden = true;
      if (legend) legend.hidden = true;
      var note = document.getElementById('kaart-niet-beschikbaar');
      if (note) note.hidden = false;
      el.setAttribute('data-tiles', 'failed');
    });
    tiles.addTo(map);
    map.setView([52.37, 5.21], 12);

    fetch(el.getAttribute('data-geojson'), { headers: { Accept: 'application/geo+json' } })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        if (gone) {
          el.setAttribute('data-features', String(data.features.length));
          return;
        }
        // Markers are made in one pass with their popups built only when opened, and the
        // cluster group takes them in short chunks, so a slow phone's main thread stays free.
        var lang = document.documentElement.lang === 'en' ? '/en' : '';
        var markers = data.features.filter(function (feature) {
          return feature.geometry && feature.geometry.type === 'Point';
        }).map(function (feature) {
          var p = feature.properties;
          var c = feature.geometry.coordinates;
          var marker = L.marker([c[1], c[0]], {
            title: p.name,
            alt: p.name,
            icon: L.divIcon({ className: 'passend-marker passend-marker--' + p.type, iconSize: [26, 26] })
          });
          marker.bindPopup(function () {
            var box = document.createElement('div');
            var link = document.createElement('a');
            link.href = lang + p.url;
            link.textContent = p.name;
            link.className = 'utrecht-link';
            var address = document.createElement('p');
            address.textContent = p.address;
            box.appendChild(link);
            box.appendChild(address);
            return box;
          });
          return marker;
        });
        var group = L.markerClusterGroup
          ? L.markerClusterGroup({ showCoverageOnHover: false, chunkedLoading: true, chunkInterval: 30 })
          : L.featureGroup();
        map.addLayer(group);
        if (group.addLayers) group.addLayers(markers);
        else markers.forEach(function (m) { group.addLayer(m); });
        var bounds = L.latLngBounds(markers.map(function (m) { return m.getLatLng(); }));
        // The postcode (or location) searched from, as its own marker.
        var lat = parseFloat(el.getAttribute('data-origin-lat'));
        var lon = parseFloat(el.getAttribute('data-origin-lon'));
        if (!isNaN(lat) && !isNaN(lon)) {
          var label = el.getAttribute('data-origin-label') || '';
          L.marker([lat, lon], {
            title: label,
            alt: label,
            zIndexOffset: 1000,
            icon: L.divIcon({ className: 'passend-marker passend-marker--origin', iconSize: [20, 20] })
          }).addTo(map);
          bounds.extend([lat, lon]);
        }
        if (bounds.isValid()) map.fitBounds(bounds, { padding: [24, 24], maxZoom: 15 });
        el.setAttribute('data-features', String(data.features.length));
      })
      .catch(function () {
        el.setAttribute('data-features', 'error');
      });
  }
})();
