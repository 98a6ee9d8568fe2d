/**
 * Word lists for synthetic organizations and people: Chinese names with their pinyin (for e-mail
 * addresses), place-name syllables, units by domain and meeting topics. Plain data, no logic beyond
 * picking.
 */
import type { Rng } from './prng.js';
import type { MeetingType } from '../domain/types.js';

/** Common surnames, each with its pinyin. */
const SURNAMES: readonly (readonly [string, string])[] = [
  ['王', 'wang'], ['李', 'li'], ['张', 'zhang'], ['刘', 'liu'], ['陈', 'chen'], ['杨', 'yang'], ['黄', 'huang'],
  ['赵', 'zhao'], ['吴', 'wu'], ['周', 'zhou'], ['徐', 'xu'], ['孙', 'sun'], ['马', 'ma'], ['朱', 'zhu'],
  ['胡', 'hu'], ['郭', 'guo'], ['何', 'he'], ['林', 'lin'], ['罗', 'luo'], ['高', 'gao'], ['郑', 'zheng'],
  ['梁', 'liang'], ['谢', 'xie'], ['宋', 'song'], ['唐', 'tang'], ['许', 'xu'], ['韩', 'han'], ['冯', 'feng'],
  ['邓', 'deng'], ['曹', 'cao'], ['彭', 'peng'], ['曾', 'zeng'], ['肖', 'xiao'], ['田', 'tian'], ['董', 'dong'],
  ['潘', 'pan'], ['袁', 'yuan'], ['蔡', 'cai'], ['蒋', 'jiang'], ['余', 'yu'], ['于', 'yu'], ['杜', 'du'],
  ['叶', 'ye'], ['程', 'cheng'], ['魏', 'wei'], ['苏', 'su'], ['吕', 'lv'], ['丁', 'ding'], ['任', 'ren'],
  ['沈', 'shen'], ['姚', 'yao'], ['卢', 'lu'], ['钟', 'zhong'], ['姜', 'jiang'], ['崔', 'cui'], ['谭', 'tan'],
];

/** Characters common in given names, each with its pinyin. */
const GIVEN: readonly (readonly [string, string])[] = [
  ['伟', 'wei'], ['芳', 'fang'], ['娜', 'na'], ['敏', 'min'], ['静', 'jing'], ['丽', 'li'], ['强', 'qiang'],
  ['磊', 'lei'], ['军', 'jun'], ['洋', 'yang'], ['勇', 'yong'], ['艳', 'yan'], ['杰', 'jie'], ['娟', 'juan'],
  ['涛', 'tao'], ['明', 'ming'], ['超', 'chao'], ['秀', 'xiu'], ['霞', 'xia'], ['平', 'ping'], ['刚', 'gang'],
  ['桂', 'gui'], ['英', 'ying'], ['华', 'hua'], ['建', 'jian'], ['国', 'guo'], ['文', 'wen'], ['辉', 'hui'],
  ['红', 'hong'], ['玉', 'yu'], ['兰', 'lan'], ['海', 'hai'], ['林', 'lin'], ['波', 'bo'], ['斌', 'bin'],
  ['宇', 'yu'], ['浩', 'hao'], ['凯', 'kai'], ['晨', 'chen'], ['鑫', 'xin'], ['婷', 'ting'], ['雪', 'xue'],
  ['慧', 'hui'], ['志', 'zhi'], ['春', 'chun'], ['荣', 'rong'], ['新', 'xin'], ['德', 'de'], ['嘉', 'jia'],
];

/** Syllables for place names (villages, communities, towns, streets). */
const PLACE_CHARS = [
  '东', '西', '南', '北', '新', '安', '和', '平', '兴', '华', '青', '山', '河', '湖', '桥', '塘', '溪', '岭',
  '林', '庄', '杨', '柳', '梅', '竹', '松', '石', '泉', '明', '光', '永', '丰', '福', '康', '宁', '阳', '云',
  '金', '银', '凤', '龙', '江', '港', '湾', '坪', '洲', '源', '峰', '田', '花', '园', '长', '乐', '泰', '盛',
] as const;

const CITY_NAMES = ['临江', '青州', '云溪', '安平', '南岭', '江华', '丰泽', '永宁', '德清', '桐川'] as const;
const CITY_PINYIN: Record<(typeof CITY_NAMES)[number], string> = {
  临江: 'linjiang', 青州: 'qingzhou', 云溪: 'yunxi', 安平: 'anping', 南岭: 'nanling',
  江华: 'jianghua', 丰泽: 'fengze', 永宁: 'yongning', 德清: 'deqing', 桐川: 'tongchuan',
};

/** Government bureaus whose offices have organ (机关) branches. */
export const BUREAUS = [
  '发展和改革局', '财政局', '民政局', '司法局', '人力资源和社会保障局', '自然资源和规划局', '住房和城乡建设局',
  '交通运输局', '农业农村局', '水利局', '商务局', '文化和旅游局', '卫生健康局', '应急管理局', '审计局',
  '市场监督管理局', '统计局', '医疗保障局', '信访局', '档案馆', '政务服务中心', '科学技术局',
] as const;
export const SCHOOL_KINDS = ['小学', '中学', '实验学校', '幼儿园', '职业技术学校'] as const;
export const COMPANY_TRADES = ['科技', '机械', '纺织', '食品', '物流', '电子', '建材', '新材料', '医药', '包装'] as const;
export const ASSOCIATIONS = ['个体劳动者协会', '律师协会', '物流行业协会', '餐饮行业协会', '志愿者协会', '慈善总会', '商会'] as const;
export const SOE_GROUPS = ['城投', '交投', '水务', '国资', '文旅', '农发'] as const;
export const SOE_UNITS = ['本部', '工程公司', '运营公司', '置业公司', '物业公司', '检测公司'] as const;
export const INSTITUTIONS = ['人民医院', '中医院', '疾病预防控制中心', '图书馆', '博物馆', '广播电视台', '融媒体中心', '社会福利院'] as const;

/** A city name (two characters) and its pinyin. */
export function cityName(rng: Rng): { name: string; pinyin: string } {
  const name = rng.pick(CITY_NAMES);
  return { name, pinyin: CITY_PINYIN[name] };
}

/** A two-character place name (村, 社区, 镇 …). */
export function placeName(rng: Rng): string {
  return rng.pick(PLACE_CHARS) + rng.pick(PLACE_CHARS);
}

/** A person's Chinese name and the pinyin used in their e-mail address. */
export function personName(rng: Rng): { name: string; pinyin: string } {
  const [s, sp] = rng.pick(SURNAMES);
  const [g1, p1] = rng.pick(GIVEN);
  if (rng.chance(0.35)) return { name: s + g1, pinyin: sp + p1 };
  const [g2, p2] = rng.pick(GIVEN);
  return { name: s + g1 + g2, pinyin: sp + p1 + p2 };
}

/** A mainland mobile number: 1[3-9] followed by nine digits. */
export function mobilePhone(rng: Rng): string {
  let s = '1' + String(rng.int(3, 9));
  for (let i = 0; i < 9; i++) s += String(rng.int(0, 9));
  return s;
}

/** An e-mail address built from the pinyin of a name. */
export function emailFor(rng: Rng, pinyin: string, cityPinyin: string): string {
  const domain = rng.pick(['163.com', 'qq.com', '126.com', `${cityPinyin}.gov.cn`, 'sina.com']);
  return `${pinyin}${rng.int(1, 999)}@${domain}`;
}

/** Topics per meeting type. No ASCII commas or quotes, so CSV fields never need quoting. */
const TOPICS: Record<MeetingType, readonly string[]> = {
  committee: ['研究本月党建工作安排', '讨论发展党员工作', '研究党费收缴使用情况', '部署主题党日活动', '研究困难党员帮扶'],
  group: ['学习党的创新理论', '交流学习心得体会', '学习《中国共产党章程》', '讨论为民办实事项目', '传达支部工作部署'],
  theme_day: ['重温入党誓词', '志愿服务进社区', '参观红色教育基地', '集中学习与交纳党费', '开展“我为群众办实事”实践'],
  assembly: ['审议支部工作报告', '讨论接收预备党员', '选举出席上级党代会代表', '通报党费收缴情况', '传达上级会议精神'],
  lecture: ['学习贯彻党的二十大精神', '弘扬伟大建党精神', '加强作风建设', '学习《中国共产党支部工作条例（试行）》', '基层治理与党建引领'],
  life_meeting: ['年度组织生活会暨批评与自我批评', '专题组织生活会'],
  review: ['年度民主评议党员', '民主评议党员及党员互评'],
};

/** A plausible topic for a meeting of the given type. */
export function topicFor(rng: Rng, type: MeetingType): string {
  return rng.pick(TOPICS[type]);
}
