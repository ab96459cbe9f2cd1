#include <bits/stdc++.h>
using namespace std;

bool isPal(string s) {
    string r = s;
    reverse(r.begin(), r.end());
    return r == s;
}

int main() {
    string s;
    cin >> s;
    int n = s.size();
    long long cnt = 0;
    int longest = 0;
    for (int i = 0; i < n; i++)
        for (int len = 1; i + len <= n; len++)
            if (isPal(s.substr(i, len))) {
                cnt++;
                longest = max(longest, len);
            }
    cout << cnt << " " << longest << endl;
}
