/**
 * The Socket.IO packet reader the lesson widgets label the wire with
 * (web/src/lessons/widgets/socketio-packets.ts), fed the packets as they
 * cross the wire (engine.io protocol 4, socket.io protocol 5).
 */
import { describe, expect, it } from 'vitest';
import { describePacket, packetLabel, splitPayload } from '../web/src/lessons/widgets/socketio-packets.ts';

describe('describePacket', () => {
  it('reads engine.io packets: open, the probe ping and pong, upgrade, the heartbeat', () => {
    expect(describePacket('0{"sid":"abc","upgrades":["websocket"]}')).toMatchObject({ engine: 'open', data: '{"sid":"abc","upgrades":["websocket"]}', prefixBytes: 1 });
    expect(packetLabel(describePacket('2probe'))).toBe('ping probe');
    expect(packetLabel(describePacket('3probe'))).toBe('pong probe');
    expect(packetLabel(describePacket('5'))).toBe('upgrade');
    expect(packetLabel(describePacket('2'))).toBe('ping');
    expect(packetLabel(describePacket('3'))).toBe('pong');
  });

  it('reads socket.io packets inside a message: type, namespace, ack id, event name', () => {
    expect(describePacket('40/feed,')).toMatchObject({ engine: 'message', socket: 'CONNECT', namespace: '/feed', data: '', prefixBytes: 8 });
    expect(describePacket('40')).toMatchObject({ socket: 'CONNECT', data: '' });
    expect(packetLabel(describePacket('40'))).toBe('CONNECT /');
    const event = describePacket('42/feed,["message",{"seq":7,"ts":1,"data":"x"}]');
    expect(event).toMatchObject({ socket: 'EVENT', namespace: '/feed', event: 'message', data: '["message",{"seq":7,"ts":1,"data":"x"}]', prefixBytes: 8 });
    expect(packetLabel(event)).toBe('EVENT /feed message');
    expect(describePacket('42/lesson,12["echo","안녕"]')).toMatchObject({ namespace: '/lesson', ackId: 12, event: 'echo', data: '["echo","안녕"]' });
    expect(packetLabel(describePacket('43/lesson,12[{"reached":1}]'))).toBe('ACK /lesson #12');
    expect(describePacket('42["chat","hi"]')).toMatchObject({ socket: 'EVENT', event: 'chat' });
    expect(describePacket('44/feed,{"message":"no"}')).toMatchObject({ socket: 'CONNECT_ERROR', namespace: '/feed' });
  });

  it('counts the prefix in UTF-8 bytes and leaves a cut packet unnamed', () => {
    expect(describePacket('42/피드,["m"]').prefixBytes).toBe(2 + 1 + 6 + 1);
    expect(describePacket('42/feed,["message",{"seq"').event).toBeUndefined();
    expect(describePacket('9x').engine).toBe('unknown');
  });
});

describe('splitPayload', () => {
  it('splits a long-polling body at the record separator U+001E', () => {
    expect(splitPayload('40/feed,{"sid":"a"}\x1e42/feed,["hello",{}]')).toEqual(['40/feed,{"sid":"a"}', '42/feed,["hello",{}]']);
    expect(splitPayload('6')).toEqual(['6']);
    expect(splitPayload('')).toEqual([]);
  });
});
