import {
  TileMapServiceImageryProvider,
  UrlTemplateImageryProvider,
  WebMercatorTilingScheme,
  WebMapTileServiceImageryProvider,
  type ImageryProvider,
} from 'cesium';
import type { ImageryLayer } from '../../../../shared/domain/map';

/**
 * The Cesium provider for one of the private network's tile servers. XYZ and WMTS are Web Mercator (what GeoServer,
 * MapProxy and the usual tile caches serve); a TMS describes its own scheme in tilemapresource.xml.
 */
export function imageryProviderFor(layer: ImageryLayer): Promise<ImageryProvider> {
  const source = layer.source;
  switch (source.kind) {
    case 'xyz':
      return Promise.resolve(
        new UrlTemplateImageryProvider({
          url: source.url,
          subdomains: source.subdomains && source.subdomains.length > 0 ? source.subdomains : undefined,
          tilingScheme: new WebMercatorTilingScheme(),
          maximumLevel: layer.maximumLevel,
        }),
      );
    case 'tms':
      return TileMapServiceImageryProvider.fromUrl(source.url, { maximumLevel: layer.maximumLevel });
    case 'wmts':
      return Promise.resolve(
        new WebMapTileServiceImageryProvider({
          url: source.url,
          layer: source.layer,
          style: source.style || 'default',
          tileMatrixSetID: source.tileMatrixSetID,
          format: source.format || 'image/png',
          tilingScheme: new WebMercatorTilingScheme(),
          maximumLevel: layer.maximumLevel,
        }),
      );
  }
}
