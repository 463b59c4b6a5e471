// Generated from assets/data/point-categories.json and changzhi-districts.geojson (scripts/gen-reference-data.mjs).
// The 36 Changzhi point categories (附件三) and the city’s districts/counties.

export type PointCategory = { readonly code: string; readonly name: string; readonly location: "surface" | "underground" };

export const POINT_CATEGORIES: readonly PointCategory[] = [
  { code: "01", name: "地面工业广场", location: "surface" },
  { code: "02", name: "主井口", location: "surface" },
  { code: "03", name: "副井口", location: "surface" },
  { code: "04", name: "风井口", location: "surface" },
  { code: "05", name: "调度室", location: "surface" },
  { code: "06", name: "队组班前会会议室", location: "surface" },
  { code: "07", name: "地面出入井通道", location: "surface" },
  { code: "08", name: "井底车场", location: "underground" },
  { code: "09", name: "跟班领导井下交接班地点", location: "underground" },
  { code: "10", name: "井下各行人及辅助运输大巷", location: "underground" },
  { code: "11", name: "井下各采区行人及辅助运输巷", location: "underground" },
  { code: "12", name: "采掘工作面出入口", location: "underground" },
  { code: "13", name: "回采面回风隅角及无回风隅角的工作面（如Y型通风）风流甲烷传感器处", location: "underground" },
  { code: "14", name: "采煤工作面超前支护范围内", location: "underground" },
  { code: "15", name: "采煤工作面", location: "underground" },
  { code: "16", name: "掘进工作面", location: "underground" },
  { code: "17", name: "超过1000m的采掘面顺槽中部", location: "underground" },
  { code: "18", name: "高瓦斯、煤与瓦斯突出矿井采掘工作面回风流T2处", location: "underground" },
  { code: "19", name: "井下连续主运设备（胶带机、刮板机、转载机等）机头（尾）", location: "underground" },
  { code: "20", name: "机电设备硐室", location: "underground" },
  { code: "21", name: "中央（采区）变电所", location: "underground" },
  { code: "22", name: "中央（采区）水泵房", location: "underground" },
  { code: "23", name: "煤仓上下口", location: "underground" },
  { code: "24", name: "永久避难硐室", location: "underground" },
  { code: "25", name: "大型设备安装、回撤、检修、吊装作业点", location: "underground" },
  { code: "26", name: "巷道维修点", location: "underground" },
  { code: "27", name: "钻孔作业点", location: "underground" },
  { code: "28", name: "井下局部通风机控制点", location: "underground" },
  { code: "29", name: "提升机房", location: "surface" },
  { code: "30", name: "主通风机房", location: "surface" },
  { code: "31", name: "压风机房", location: "surface" },
  { code: "32", name: "地面煤仓口", location: "surface" },
  { code: "33", name: "地面煤仓卸煤口", location: "surface" },
  { code: "34", name: "地面储煤场", location: "surface" },
  { code: "35", name: "地面机修车间", location: "surface" },
  { code: "36", name: "污水处理站", location: "surface" },
];

export type District = { readonly adcode: string; readonly name: string; readonly center: readonly [number, number] };

export const CITY: District = {adcode: "140400",name: "长治市",center: [113.106888,36.190941]};

export const DISTRICTS: readonly District[] = [
  {adcode: "140403",name: "潞州区",center: [113.107439,36.187726]},
  {adcode: "140404",name: "上党区",center: [113.050104,36.052349]},
  {adcode: "140405",name: "屯留区",center: [112.886583,36.314234]},
  {adcode: "140406",name: "潞城区",center: [113.216736,36.332183]},
  {adcode: "140423",name: "襄垣县",center: [113.043484,36.532625]},
  {adcode: "140425",name: "平顺县",center: [113.432115,36.200041]},
  {adcode: "140426",name: "黎城县",center: [113.380636,36.502695]},
  {adcode: "140427",name: "壶关县",center: [113.199628,36.110923]},
  {adcode: "140428",name: "长子县",center: [112.878514,36.119691]},
  {adcode: "140429",name: "武乡县",center: [112.859056,36.834173]},
  {adcode: "140430",name: "沁县",center: [112.695077,36.75694]},
  {adcode: "140431",name: "沁源县",center: [112.334444,36.500591]},
];
