#include <bits/stdc++.h>
using namespace std;

int main() {
    ios::sync_with_stdio(false);
    cin.tie(nullptr);
    int n;
    cin >> n;
    string ans;
    ans.reserve(n * 12);
    for (int i = 0; i < n; i++) {
        long long x;
        cin >> x;
        ans += to_string(x % 3 == 0 ? x / 3 : x);
        ans += ' ';
    }
    cout << ans.size() << "\n" << ans << "\n";
}
