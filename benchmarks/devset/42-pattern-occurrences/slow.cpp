#include <bits/stdc++.h>
using namespace std;

int main() {
    string s, t;
    cin >> s >> t;
    int n = s.size(), m = t.size();
    int cnt = 0, first = -1;
    for (int i = 0; i + m <= n; i++) {
        if (s.substr(i, m) == t) {
            if (first < 0) first = i;
            cnt++;
        }
    }
    cout << cnt << " " << first << endl;
}
