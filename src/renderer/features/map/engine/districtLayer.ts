import { Cartesian2, Cartesian3, Color, LabelCollection, LabelStyle, NearFarScalar, PolylineCollection, Material, VerticalOrigin, type Scene } from 'cesium';
import { districtShapes } from '../districtData';

/**
 * Changzhi's city outline and its districts' borders and names, from the bundled GeoJSON: always there, whatever
 * imagery is shown (the bundled imagery alone has no borders at a city's scale).
 */
export class DistrictLayer {
  private readonly lines = new PolylineCollection();
  private readonly labels = new LabelCollection();

  constructor(private readonly scene: Scene) {
    for (const shape of districtShapes()) {
      const city = shape.level === 'city';
      for (const ring of shape.rings)
        this.lines.add({
          positions: Cartesian3.fromDegreesArray(ring.flat()),
          width: city ? 3 : 1.5,
          material: Material.fromType('Color', { color: city ? Color.fromCssColorString('#ffd666') : Color.fromCssColorString('#69b1ff').withAlpha(0.85) }),
        });
      if (!city && shape.center)
        this.labels.add({
          position: Cartesian3.fromDegrees(shape.center[0], shape.center[1], 0),
          text: shape.name,
          font: '600 15px "Microsoft YaHei", "Noto Sans CJK SC", sans-serif',
          fillColor: Color.fromCssColorString('#e6f4ff'),
          outlineColor: Color.fromCssColorString('#001529'),
          outlineWidth: 3,
          style: LabelStyle.FILL_AND_OUTLINE,
          verticalOrigin: VerticalOrigin.CENTER,
          pixelOffset: new Cartesian2(0, 0),
          // Large over the city, gone when the view is down at a mine.
          translucencyByDistance: new NearFarScalar(8_000, 0, 30_000, 1),
          disableDepthTestDistance: Number.POSITIVE_INFINITY,
        });
    }
    scene.primitives.add(this.lines);
    scene.primitives.add(this.labels);
  }

  set show(value: boolean) {
    this.lines.show = value;
    this.labels.show = value;
    this.scene.requestRender();
  }

  destroy(): void {
    this.scene.primitives.remove(this.lines);
    this.scene.primitives.remove(this.labels);
  }
}
