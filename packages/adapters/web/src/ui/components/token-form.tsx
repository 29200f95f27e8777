/** Asks for the API token once (the server answered 401); kept in sessionStorage for this tab. */
import { useState } from 'preact/hooks'
import { setToken } from '../api'

export const TokenForm = ({ refused }: { refused: boolean }) => {
  const [value, setValue] = useState('')
  return (
    <form
      class="token-form"
      data-testid="token-form"
      onSubmit={(e) => {
        e.preventDefault()
        if (value.trim() !== '') setToken(value.trim())
      }}
    >
      <h2>API token</h2>
      <p>
        {refused
          ? 'The server refused that token. Enter the token callstate serve was started with (--api-token).'
          : 'This server needs its API token (callstate serve --api-token). It is kept for this browser tab only.'}
      </p>
      <label for="token-input">Token</label>
      <input
        id="token-input"
        data-testid="token-input"
        type="password"
        autocomplete="off"
        value={value}
        onInput={(e) => setValue((e.target as HTMLInputElement).value)}
        autofocus
        required
      />
      <button type="submit">Use token</button>
    </form>
  )
}
