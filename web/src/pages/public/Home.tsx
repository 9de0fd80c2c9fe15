import {
  CalculatorOutlined,
  FileSearchOutlined,
  SafetyCertificateOutlined,
  UserOutlined,
} from '@ant-design/icons';
import { Card, Col, Row, Typography } from 'antd';
import { Link } from 'react-router-dom';
import { useLanguage } from '../../i18n.tsx';

const CARDS = [
  {
    to: '/calculator',
    icon: <CalculatorOutlined />,
    title: '补贴计算器',
    text: '按当地政策测算可享受的培训补贴，列明依据和政策条款。',
  },
  {
    to: '/catalog',
    icon: <FileSearchOutlined />,
    title: '目录查询',
    text: '查询培训项目目录、补贴标准和培训机构目录。',
  },
  {
    to: '/verify',
    icon: <SafetyCertificateOutlined />,
    title: '证书核验',
    text: '凭证书编号和姓名核验证书真伪。',
  },
  {
    to: '/login',
    icon: <UserOutlined />,
    title: '登录',
    text: '经办人员、培训机构、企业和劳动者登录办理业务。',
  },
];

export function HomePage() {
  const { t } = useLanguage();
  return (
    <div className="page">
      <Typography.Title level={1} className="page-title">
        {t('appName')}
      </Typography.Title>
      <Typography.Paragraph>
        职业技能提升行动“两目录一系统”：培训项目目录、培训机构目录和实名制信息管理系统，补贴由政策引擎依据政策文件计算，专账资金分账核算、专款专用。
      </Typography.Paragraph>
      <Row gutter={[16, 16]}>
        {CARDS.map((card) => (
          <Col xs={24} sm={12} lg={6} key={card.to}>
            <Link to={card.to}>
              <Card hoverable>
                <Typography.Title level={2} className="card-title">
                  {card.icon} {card.title}
                </Typography.Title>
                <Typography.Text type="secondary">{card.text}</Typography.Text>
              </Card>
            </Link>
          </Col>
        ))}
      </Row>
    </div>
  );
}
