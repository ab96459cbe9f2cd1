#include <bits/stdc++.h>
using namespace std;

int main() {
    ios::sync_with_stdio(false);
    string s, t;
    cin >> s >> t;
    int cnt = 0, first = -1;
    for (size_t p = s.find(t); p != string::npos; p = s.find(t, p + 1)) {
        if (first < 0) first = (int)p;
        cnt++;
    }
    cout << cnt << " " << first << endl;
}
