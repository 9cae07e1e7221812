/**
 * Every word the lab's pages put on screen, in both languages, side by side.
 *
 * How to add a string (for everyone who touches web/):
 *   1. Add a key here in the group of the file that shows it, named
 *      `<group>.<what>` (e.g. 'wire.title'), with `en` and `ko`. A key without
 *      one of the two languages does not type-check.
 *   2. Put parameters in braces, the same ones in both languages:
 *      { en: '{count} messages', ko: '메시지 {count}개' }.
 *   3. In the page: `import { t } from '../i18n/index.ts'` and write
 *      `t('wire.title')` or `t('wire.count', { count: 3 })` where the
 *      English literal was. The language is the page's <html lang>.
 *   4. Protocol tokens stay as they are in both languages: header names
 *      (`Sec-WebSocket-Key`), API names (`EventSource`, `new WebSocket(…)`),
 *      lane ids (`poll`, `ws`), close codes and code.
 *   The Korean follows the register of the Korean lessons: plain 합니다-style
 *   sentences, short labels, the English term in parentheses on first use when
 *   a student will meet it in DevTools or an RFC.
 * test/i18n-messages.unit.test.ts checks every entry (both languages, no empty
 * string, the same {params}); test/i18n.browser.test.ts fails when a Korean
 * page shows one of the `en` strings.
 */
export type Lang = 'en' | 'ko';

export const LANGS: readonly Lang[] = ['en', 'ko'];

export const MESSAGES = {
  // ----- the language switch and the display toggles (every page)
  'lang.label': { en: 'Language', ko: '언어' },
  'lang.en': { en: 'English', ko: 'English' },
  'lang.ko': { en: '한국어', ko: '한국어' },
  'display.dark': { en: 'Dark', ko: '어둡게' },
  'display.darkTitle': { en: 'Light or dark (key: d)', ko: '밝게 또는 어둡게 (단축키: d)' },
  'display.projector': { en: 'Projector', ko: '프로젝터' },
  'display.projectorTitle': { en: 'Large type for the back row (key: p)', ko: '뒷줄에서도 보이는 큰 글씨 (단축키: p)' },

  // ----- lesson pages (web/src/lessons/page.ts, predict-measure.ts, self-check.ts)
  'lesson.lessons': { en: 'Lessons', ko: '레슨' },
  'lesson.dashboard': { en: 'Dashboard', ko: '대시보드' },
  'lesson.contents': { en: 'Contents', ko: '목차' },
  'lesson.allLessons': { en: 'All lessons', ko: '레슨 목록' },
  'lesson.previous': { en: 'Previous', ko: '이전' },
  'lesson.next': { en: 'Next', ko: '다음' },
  'lesson.minutes': { en: 'min', ko: '분' },
  'lesson.lessonN': { en: 'Lesson', ko: '레슨' },
  'lesson.printAnswers': { en: 'Print with answers and teacher notes', ko: '정답·교사용 노트까지 인쇄' },
  'lesson.teacherKit': { en: "Teacher's kit: student sheets, answer keys with measured ranges, 45-minute plans, glossary (A4)", ko: '교사용 키트: 학생 활동지, 측정 범위가 담긴 정답과 해설, 45분 수업 계획, 용어집(A4)' },
  'lesson.loading': { en: 'Loading the lesson…', ko: '레슨을 불러오는 중…' },
  'lesson.notFound': { en: 'There is no such lesson. Pick one from the list.', ko: '그런 레슨은 없습니다. 목록에서 골라 주세요.' },
  'lesson.failed': { en: 'The lesson could not be loaded', ko: '레슨을 불러오지 못했습니다' },
  'lesson.problems': { en: 'Problems in this lesson (for its author):', ko: '이 레슨의 문제 (작성자용):' },
  'lesson.missingWidget': { en: 'This widget is not available in this build of the lab', ko: '이 버전의 랩에는 이 위젯이 없습니다' },
  'lesson.progressParts': { en: 'parts read', ko: '읽은 부분' },
  'lesson.progressCheck': { en: 'self-check', ko: '스스로 점검' },
  'lesson.progressDone': { en: 'done', ko: '완료' },
  'lesson.continueAt': { en: 'continue at', ko: '이어서 보기' },
  'lesson.resetProgress': { en: 'Forget my progress', ko: '진행 기록 지우기' },
  'lesson.noLessons': { en: 'No lessons yet.', ko: '아직 레슨이 없습니다.' },
  'lesson.syllabusNote': {
    en: 'Each lesson: predict a number, run the experiment on the live lab, read the real bytes, check yourself.',
    ko: '각 레슨에서는 숫자를 먼저 예측하고, 살아 있는 랩에서 실험을 돌려 실제 바이트를 읽고, 스스로 점검합니다.',
  },
  // predict-measure
  'lesson.yourGuess': { en: 'Your guess', ko: '내 예측' },
  'lesson.lockAndRun': { en: 'Lock in and run', ko: '예측 확정하고 실행' },
  'lesson.writeGuessFirst': { en: 'Write your guess first: predict, then measure.', ko: '먼저 예측을 적으세요. 예측하고, 그다음 측정합니다.' },
  'lesson.notANumber': { en: 'Write a number (a unit is fine: 0.5 s, 300 B).', ko: '숫자를 적으세요 (단위를 붙여도 됩니다: 0.5 s, 300 B).' },
  'lesson.wrongUnit': { en: 'That unit does not fit this measurement.', ko: '이 측정값에 맞지 않는 단위입니다.' },
  'lesson.measuring': { en: 'Measuring on the lab…', ko: '랩에서 측정하는 중…' },
  'lesson.guessed': { en: 'you guessed', ko: '예측' },
  'lesson.measured': { en: 'measured', ko: '측정' },
  'lesson.ratio': { en: 'guess ÷ measured', ko: '예측 ÷ 측정' },
  'lesson.verdictExact': { en: 'Exactly right.', ko: '정확히 맞았습니다.' },
  'lesson.verdictClose': { en: 'Close: within 25 %.', ko: '근접: 25 % 이내.' },
  'lesson.verdictBallpark': { en: 'The right ballpark: within a factor of 2.', ko: '같은 자릿수: 2배 이내.' },
  'lesson.verdictOff': { en: 'Off by more than a factor of 2: read on, then try again.', ko: '2배 넘게 빗나갔습니다. 설명을 읽고 다시 해 보세요.' },
  'lesson.measureFailed': { en: 'The measurement failed', ko: '측정에 실패했습니다' },
  'lesson.runAgain': { en: 'Run again', ko: '다시 실행' },
  // self-check
  'lesson.check': { en: 'Check', ko: '확인' },
  'lesson.correct': { en: 'Correct.', ko: '정답입니다.' },
  'lesson.incorrect': { en: 'Not quite.', ko: '아쉽지만 틀렸습니다.' },
  'lesson.pickOne': { en: 'Pick an answer first.', ko: '먼저 답을 고르세요.' },
  'lesson.typeAnswer': { en: 'Your answer', ko: '내 답' },
  'lesson.theAnswer': { en: 'The answer', ko: '정답' },
  'lesson.score': { en: 'correct', ko: '정답' },
  // ----- lesson 1's socket exchange (web/src/lessons/widgets/socket-calls.ts)
  'socketCalls.run': { en: 'Run one TCP exchange', ko: 'TCP 교환 한 번 실행' },
  'socketCalls.running': { en: 'running…', ko: '실행 중…' },
  'socketCalls.failed': { en: 'The exchange failed', ko: '교환에 실패했습니다' },
  'socketCalls.done': { en: 'Done: three sockets, one conversation, all closed.', ko: '완료: 소켓 세 개, 대화 한 번, 모두 닫혔습니다.' },
  'socketCalls.time': { en: 'ms', ko: 'ms' },
  'socketCalls.side': { en: 'side', ko: '쪽' },
  'socketCalls.c': { en: 'C call (and the Node call or event)', ko: 'C 호출 (그리고 Node 호출이나 이벤트)' },
  'socketCalls.bytes': { en: 'bytes', ko: '바이트' },
  'socketCalls.what': { en: 'what happened', ko: '일어난 일' },
  'socketCalls.client': { en: 'client', ko: '클라이언트' },
  'socketCalls.server': { en: 'server', ko: '서버' },
  'socketCalls.listen': { en: 'the listening socket on {local} (port 0: the system picked a free one)', ko: '{local}에서 기다리는 리스닝 소켓 (포트 0: 시스템이 빈 포트를 골랐습니다)' },
  'socketCalls.connect': { en: 'the client socket asks {remote} for a connection (TCP SYN)', ko: '클라이언트 소켓이 {remote}에 연결을 요청합니다 (TCP SYN)' },
  'socketCalls.accept': { en: 'a new socket for this client ({local} ↔ {remote}); the listening socket keeps listening', ko: '이 클라이언트를 위한 새 소켓 ({local} ↔ {remote}). 리스닝 소켓은 계속 기다립니다' },
  'socketCalls.connected': { en: 'connect() returns: connected from {local}, the TCP handshake is done', ko: 'connect()가 돌아옴: {local}에서 연결됨, TCP 핸드셰이크 완료' },
  'socketCalls.write': { en: 'wrote “{data}”', ko: '“{data}” 씀' },
  'socketCalls.read': { en: 'read “{data}”', ko: '“{data}” 읽음' },
  'socketCalls.end': { en: 'FIN: nothing more to send', ko: 'FIN: 더 보낼 것이 없습니다' },
  'socketCalls.eof': { en: 'the other side sent FIN: read() returns 0', ko: '상대가 FIN을 보냄: read()가 0을 돌려줍니다' },
  'socketCalls.close': { en: 'this connection’s socket is closed', ko: '이 연결의 소켓이 닫혔습니다' },
  'socketCalls.closeListener': { en: 'the listening socket {local} is closed', ko: '리스닝 소켓 {local}이 닫혔습니다' },
  'socketCalls.requestBytes': { en: 'request, written by the client', ko: '요청 (클라이언트가 씀)' },
  'socketCalls.replyBytes': { en: 'reply, written by the server', ko: '응답 (서버가 씀)' },
  'socketCalls.calls': { en: 'calls and events', ko: '호출과 이벤트' },
  'socketCalls.serverSockets': { en: 'sockets on the server side', ko: '서버 쪽 소켓 수' },
  'socketCalls.connectMs': { en: 'connect() to connected', ko: 'connect()부터 연결까지' },
  'socketCalls.totalMs': { en: 'whole exchange', ko: '교환 전체' },

  // ----- the seven-SSE-streams experiment (web/src/lessons/widgets/connection-limit.ts; lessons 5 and 14, the dashboard)
  'connectionLimit.run': { en: 'Open {n} SSE streams at once', ko: 'SSE 스트림 {n}개 한꺼번에 열기' },
  'connectionLimit.stream': { en: 'stream', ko: '스트림' },
  'connectionLimit.open': { en: 'open after', ko: '열림' },
  'connectionLimit.waiting': { en: 'waiting: no free connection, and no error', ko: '대기 중: 빈 연결이 없고, 오류도 없음' },
  'connectionLimit.opened': { en: 'streams that opened', ko: '열린 스트림' },
  'connectionLimit.stalled': { en: 'streams left waiting', ko: '기다리기만 한 스트림' },
  'connectionLimit.held': { en: 'SSE responses the server held at once', ko: '서버가 동시에 붙잡고 있던 SSE 응답' },
  'connectionLimit.done': { en: 'Closed them all.', ko: '모두 닫았습니다.' },
  'connectionLimit.running': { en: 'holding the streams (until none has opened for {s} s)…', ko: '스트림을 붙잡는 중 ({s}초 동안 새로 열리는 것이 없을 때까지)…' },
  'connectionLimit.limit': { en: 'The browser\'s limit: {n} HTTP/1.1 connections per origin.', ko: '브라우저 한도: 출처(origin)당 HTTP/1.1 연결 {n}개.' },
  'connectionLimit.releasing': { en: 'closing stream 1; do the others open now?', ko: '스트림 1을 닫는 중: 나머지가 이제 열릴까요?' },
  'connectionLimit.closed': { en: 'closed by the page at', ko: '페이지가 닫은 시각' },
  'connectionLimit.afterClose': { en: 'after stream 1 closed', ko: '스트림 1이 닫힌 뒤' },
  'connectionLimit.limitH2': { en: 'This page speaks HTTP/2: every stream shares one connection, up to the server\'s SETTINGS_MAX_CONCURRENT_STREAMS{n}.', ko: '이 페이지는 HTTP/2로 통신합니다: 모든 스트림이 연결 하나를 함께 쓰며, 서버의 SETTINGS_MAX_CONCURRENT_STREAMS{n}까지 열 수 있습니다.' },
  'connectionLimit.openedAfterClose': { en: 'streams that opened once stream 1 closed', ko: '스트림 1이 닫힌 뒤에 열린 스트림' },
  'connectionLimit.panel': { en: 'Experiment: seven SSE streams from this page (six connections over HTTP/1.1, streams over HTTP/2)', ko: '실험: 이 페이지에서 SSE 스트림 일곱 개 (HTTP/1.1에서는 연결 여섯 개, HTTP/2에서는 스트림)' },
  'connectionLimit.panelNote': { en: 'Opens seven EventSources to <code>/feed/sse</code> at once, waits, then closes the first. The page\'s lanes pause for the run (they hold some of the six connections) and resume after it. Run it here and on the other protocol\'s port.', ko: '<code>/feed/sse</code>로 EventSource 일곱 개를 한꺼번에 열고, 기다린 뒤, 첫 번째를 닫습니다. 이 페이지의 레인은 실험 동안 멈췄다가(여섯 연결 중 일부를 붙잡고 있으므로) 끝나면 다시 돕니다. 여기서 한 번, 다른 프로토콜의 포트에서 한 번 실행해 보세요.' },
  // ----- pages that need a WebSocket, opened over https (web/src/h2/websocket-notice.ts)
  'h2Notice.lead': { en: 'WebSocket needs the HTTP/1.1 port.', ko: 'WebSocket은 HTTP/1.1 포트가 필요합니다.' },
  'h2Notice.open': { en: 'Open', ko: '여기서 여세요:' },
  'h2Notice.openHttp': { en: 'Open this page on the lab\'s http:// address.', ko: '이 페이지를 랩의 http:// 주소로 여세요.' },
  'h2Notice.why': { en: 'This page came over https, where the lab speaks only HTTP/2 and has no WebSocket over HTTP/2 (RFC 8441); a browser blocks ws:// from an https page (mixed content).', ko: '이 페이지는 https로 열렸고, 랩은 그 포트에서 HTTP/2만 쓰며 HTTP/2 위의 WebSocket(RFC 8441)은 없습니다. 또 브라우저는 https 페이지에서 ws:// 연결을 막습니다(혼합 콘텐츠).' },
  'h2Notice.note': { en: 'What uses a WebSocket on this page will not connect here.', ko: '이 페이지에서 WebSocket을 쓰는 부분은 여기서 연결되지 않습니다.' },
  'h2Notice.chat': { en: 'Here the chat runs over SSE (events) and POSTs (commands) instead, each person a few streams of one HTTP/2 connection.', ko: '여기서는 채팅이 대신 SSE(이벤트)와 POST(명령)로 돌아갑니다. 사람마다 HTTP/2 연결 하나의 스트림 몇 개를 씁니다.' },
  'h2Notice.stomp': { en: 'STOMP here is STOMP over WebSocket only, so it cannot connect on this page.', ko: '이 STOMP는 WebSocket 위에서만 돌아가므로 이 페이지에서는 연결할 수 없습니다.' },
  'h2Notice.inspect': { en: 'The inspectors that open a WebSocket from this page (the handshake, the frames, the WebSocket steps of the fallback chain and of the Origin demo) will not connect here; the others work.', ko: '이 페이지에서 WebSocket을 여는 인스펙터(핸드셰이크, 프레임, 대체 체인과 Origin 데모의 WebSocket 단계)는 여기서 연결되지 않습니다. 나머지는 됩니다.' },
  'h2Notice.refused': { en: 'not over https: use the HTTP/1.1 port (see the notice above)', ko: 'https에서는 안 됨: HTTP/1.1 포트를 쓰세요 (위 안내 참고)' },
  // ----- a lane card's connection line on a page opened over https (web/src/widgets/lane-card.ts)
  'laneCard.h2Holds': { en: 'holds 1 stream of the page\'s one HTTP/2 connection, all the time', ko: '페이지의 HTTP/2 연결 하나에서 스트림 1개를 늘 붙잡음' },
  'laneCard.h2Borrows': { en: 'opens 1 stream per request on the page\'s one HTTP/2 connection', ko: '요청마다 페이지의 HTTP/2 연결 하나에 스트림 1개를 엶' },
  'laneCard.h2Library': { en: 'HTTP transports only here: 1 stream at a time on the page\'s one HTTP/2 connection (no WebSocket over https)', ko: '여기서는 HTTP 전송만: 페이지의 HTTP/2 연결 하나에서 한 번에 스트림 1개 (https에서는 WebSocket 없음)' },
  'laneCard.h2Ws': { en: '1 WebSocket on an HTTP/1.1 connection of its own, to the http port (no WebSocket over HTTP/2 here)', ko: 'http 포트로 가는 자기만의 HTTP/1.1 연결 위 WebSocket 1개 (여기에는 HTTP/2 위 WebSocket이 없음)' },

  // ----- the lane table's column titles in projector mode (web/src/widgets/lane-card.ts)
  'laneColumns.lane': { en: 'lane', ko: '레인' },
  'laneColumns.requests': { en: 'requests', ko: '요청' },
  'laneColumns.messages': { en: 'messages', ko: '메시지' },
  'laneColumns.pageServer': { en: 'page · server', ko: '페이지 · 서버' },
  'laneColumns.missing': { en: 'missing', ko: '누락' },
  'laneColumns.missingSub': { en: '/ dup.', ko: '/ 중복' },
  'laneColumns.latency': { en: 'latency', ko: '지연' },
  'laneColumns.headerBytes': { en: 'header', ko: '헤더' },
  'laneColumns.headerBytesSub': { en: 'bytes', ko: '바이트' },
  'laneColumns.bytesPerMessage': { en: 'bytes', ko: '메시지당' },
  'laneColumns.bytesPerMessageSub': { en: '/ msg', ko: '바이트' },
} satisfies Record<string, Record<Lang, string>>;

export type MessageKey = keyof typeof MESSAGES;
