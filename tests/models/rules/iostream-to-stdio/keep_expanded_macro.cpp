#include <iostream>
using namespace std;
#define SHOW(x) cout << (x) << endl

int main() {
    int n;
    cin >> n;
    SHOW(n * 3);  // written through a macro: its text is not the rule's to change
}
