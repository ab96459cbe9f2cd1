#include <bits/stdc++.h>
using namespace std;

int main() {
    int q;
    cin >> q;
    stack<int> st;
    for (int i = 0; i < q; i++) {
        string op;
        cin >> op;
        if (op == "push") {
            int x;
            cin >> x;
            st.push(x);
        } else if (op == "pop") {
            if (st.empty()) cout << "empty" << endl;
            else {
                cout << st.top() << endl;
                st.pop();
            }
        } else if (op == "top") {
            if (st.empty()) cout << "empty" << endl;
            else cout << st.top() << endl;
        } else {
            cout << st.size() << endl;
        }
    }
}
