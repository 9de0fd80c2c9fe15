import { App as AntApp, ConfigProvider } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router-dom';
import { AppRoutes } from './App.tsx';
import { call, client } from './api/client.ts';
import { AuthProvider } from './auth.tsx';
import { setBusinessNow } from './format.ts';
import { LanguageProvider, useLanguage } from './i18n.tsx';
import './styles.css';

function Themed() {
  const { language } = useLanguage();
  dayjs.locale(language === 'zh' ? 'zh-cn' : 'en');
  return (
    <ConfigProvider
      locale={language === 'zh' ? zhCN : enUS}
      theme={{ token: { colorPrimary: '#1d5fbf' } }}
      button={{ autoInsertSpace: false }}
    >
      <AntApp>
        <AuthProvider>
          <BrowserRouter>
            <AppRoutes />
          </BrowserRouter>
        </AuthProvider>
      </AntApp>
    </ConfigProvider>
  );
}

/** The pages' default dates follow the server's business clock (a training environment may run on 2021). */
async function adoptBusinessClock(): Promise<void> {
  try {
    setBusinessNow((await call(client.GET('/api/clock'))).now);
  } catch {
    // Offline or refused: the browser's own clock stands in.
  }
}

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
void adoptBusinessClock().then(() =>
  createRoot(root).render(
    <StrictMode>
      <LanguageProvider>
        <Themed />
      </LanguageProvider>
    </StrictMode>,
  ),
);
